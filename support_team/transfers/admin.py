"""Transfers in the Django admin: the keys that sign and seal transfer packets (ours, and
other districts' public keys). Packets themselves are not edited here: every change to one
goes through its services."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from support_team.transfers import keys
from support_team.transfers.models import DistrictKeyPair, PeerDistrict


class NewKeyPairForm(forms.ModelForm):
    class Meta:
        model = DistrictKeyPair
        fields = ["district"]


@admin.register(DistrictKeyPair)
class DistrictKeyPairAdmin(SimpleHistoryAdmin):
    """Adding a key pair makes new keys for the district (the previous pair is retired);
    the private halves never appear here. Give the public keys to the other district."""

    list_display = ["district", "active", "created_at", "signing_fingerprint"]
    list_filter = ["active"]
    readonly_fields = [
        "district",
        "active",
        "created_at",
        "signing_public",
        "signing_fingerprint",
        "encryption_public",
        "encryption_fingerprint",
    ]

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = NewKeyPairForm
        return super().get_form(request, obj, change, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj else []

    def get_fields(self, request, obj=None):
        return self.readonly_fields if obj else ["district"]

    def save_model(self, request, obj, form, change):
        if change:
            return
        created = keys.keypair_create(district=form.cleaned_data["district"])
        obj.pk = created.pk
        obj.__dict__.update(created.__dict__)

    def has_delete_permission(self, request, obj=None):
        # A retired pair still opens files already on their way.
        return False

    @admin.display(description=_("Signing key fingerprint"))
    def signing_fingerprint(self, obj):
        return keys.fingerprint(obj.signing_public) if obj.signing_public else ""

    @admin.display(description=_("Encryption key fingerprint"))
    def encryption_fingerprint(self, obj):
        return keys.fingerprint(obj.encryption_public) if obj.encryption_public else ""


class PeerDistrictForm(forms.ModelForm):
    class Meta:
        model = PeerDistrict
        fields = [
            "district",
            "identifier",
            "name",
            "signing_public",
            "encryption_public",
            "contact_email",
        ]

    def _key(self, name: str, required: bool):
        value = self.cleaned_data.get(name, "").strip()
        if not value and not required:
            return ""
        try:
            raw = keys.unb64(value)
        except ValueError:
            raise forms.ValidationError(_("Paste the key as base64.")) from None
        if len(raw) != 32:
            raise forms.ValidationError(_("A key is 32 bytes (44 characters of base64)."))
        return value

    def clean_signing_public(self):
        return self._key("signing_public", required=True)

    def clean_encryption_public(self):
        return self._key("encryption_public", required=False)


@admin.register(PeerDistrict)
class PeerDistrictAdmin(SimpleHistoryAdmin):
    form = PeerDistrictForm
    list_display = ["name", "identifier", "district", "signing_fingerprint", "has_encryption_key"]
    search_fields = ["name", "identifier"]

    @admin.display(description=_("Signing key fingerprint"))
    def signing_fingerprint(self, obj):
        return keys.fingerprint(obj.signing_public)

    @admin.display(boolean=True, description=_("Encrypt to their key"))
    def has_encryption_key(self, obj):
        return bool(obj.encryption_public)
