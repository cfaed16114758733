from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from schoolwell.models import Category


@admin.register(Category)
class CategoryAdmin(SimpleHistoryAdmin):
    """Administrators keep the list of concern categories; retiring one (active off) keeps
    the concerns that used it."""

    list_display = ["name", "name_es", "always_urgent", "order", "active"]
    list_editable = ["order", "active"]
    prepopulated_fields = {"slug": ["name"]}

    def has_delete_permission(self, request, obj=None):
        return False
