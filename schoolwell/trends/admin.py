"""Trends API tokens in the Django admin: the key is shown once, when it is made; only its hash
is kept."""

from django.contrib import admin, messages
from django.utils.translation import gettext as _

from schoolwell.trends.models import TrendsToken, hash_key, new_key


@admin.register(TrendsToken)
class TrendsTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "district", "key_start", "created_at", "last_used_at", "revoked"]
    list_filter = ["district", "revoked"]
    fields = [
        "district",
        "name",
        "revoked",
        "key_start",
        "created_by",
        "created_at",
        "last_used_at",
    ]
    readonly_fields = ["key_start", "created_by", "created_at", "last_used_at"]

    def save_model(self, request, obj, form, change):
        if not change:
            key = new_key()
            obj.key_hash, obj.key_start = hash_key(key), key[:12]
            obj.created_by = request.user
            messages.warning(
                request,
                _("Copy this key now; it will not be shown again: %(key)s") % {"key": key},
            )
        super().save_model(request, obj, form, change)
