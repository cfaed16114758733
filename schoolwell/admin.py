from allauth.mfa import admin as _allauth_mfa_admin  # noqa: F401  (registers it first)
from allauth.mfa.models import Authenticator
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from simple_history.admin import SimpleHistoryAdmin

from schoolwell.admin_access import AccessLoggedAdmin
from schoolwell.models import (
    AccessLog,
    Disclosure,
    District,
    Enrollment,
    Guardian,
    Holiday,
    LegalHold,
    Membership,
    PurgeRecord,
    RosterImport,
    School,
    Student,
    User,
)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["school"]


@admin.register(User)
class SchoolWellUserAdmin(UserAdmin, SimpleHistoryAdmin):
    inlines = [MembershipInline]
    search_fields = ["email", "first_name", "last_name"]


@admin.register(District)
class DistrictAdmin(SimpleHistoryAdmin):
    list_display = ["name", "retention_years", "suppression_threshold"]


@admin.register(School)
class SchoolAdmin(SimpleHistoryAdmin):
    list_display = ["name", "district", "level"]
    list_filter = ["district", "level"]
    search_fields = ["name", "identifier"]


@admin.register(Holiday)
class HolidayAdmin(SimpleHistoryAdmin):
    list_display = ["date", "name", "district", "school"]
    list_filter = ["district", "school"]
    date_hierarchy = "date"


class EnrollmentInline(admin.TabularInline):
    model = Enrollment
    extra = 0


@admin.register(Student)
class StudentAdmin(AccessLoggedAdmin, SimpleHistoryAdmin):
    list_display = ["legal_last_name", "legal_first_name", "sis_id", "grade"]
    search_fields = ["legal_last_name", "legal_first_name", "sis_id"]
    list_filter = ["grade", "district"]
    inlines = [EnrollmentInline]
    raw_id_fields = ["user"]


@admin.register(Guardian)
class GuardianAdmin(AccessLoggedAdmin, SimpleHistoryAdmin):
    list_display = ["last_name", "first_name", "do_not_contact"]
    search_fields = ["last_name", "first_name"]
    raw_id_fields = ["students"]


@admin.register(Membership)
class MembershipAdmin(SimpleHistoryAdmin):
    list_display = ["user", "role", "discipline", "school", "district", "active"]
    list_filter = ["role", "discipline", "active"]
    raw_id_fields = ["user"]


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AccessLog)
class AccessLogAdmin(ReadOnlyAdmin):
    """Not itself access-logged: it is the record of reads (reading it would add a row per
    row read), and its rows name a record, never its content."""

    list_display = ["at", "user", "actor", "action", "object_type", "object_id"]
    list_filter = ["action", "object_type"]


@admin.register(Disclosure)
class DisclosureAdmin(AccessLoggedAdmin, ReadOnlyAdmin):
    list_display = ["at", "recipient", "basis", "made_by"]


@admin.register(RosterImport)
class RosterImportAdmin(ReadOnlyAdmin):
    list_display = ["started_at", "source_name", "status", "started_by"]


@admin.register(LegalHold)
class LegalHoldAdmin(AccessLoggedAdmin, SimpleHistoryAdmin):
    list_display = ["student", "reason", "placed_by", "placed_at", "lifted_at"]
    list_filter = ["lifted_at"]
    raw_id_fields = ["student"]
    readonly_fields = ["placed_by", "placed_at"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.placed_by = request.user
        super().save_model(request, obj, form, change)

    def has_delete_permission(self, request, obj=None):
        # A hold is lifted (dated), never deleted: the record of it matters.
        return False


@admin.register(PurgeRecord)
class PurgeRecordAdmin(ReadOnlyAdmin):
    list_display = ["ran_at", "district", "students", "held", "cutoff", "run_by"]


# --- MFA authenticators: an admin may see that one exists and delete it (a lost phone), never
# its secret: allauth's own admin shows and edits the stored data. ---------------------------

admin.site.unregister(Authenticator)


@admin.register(Authenticator)
class AuthenticatorAdmin(admin.ModelAdmin):
    list_display = ["user", "type", "created_at", "last_used_at"]
    list_filter = ["type"]
    search_fields = ["user__email"]
    fields = ["user", "type", "created_at", "last_used_at"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
