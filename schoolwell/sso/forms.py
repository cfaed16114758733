"""A district administrator's forms: the district's identity provider (an allauth SocialApp
and the district's rules for it) and the roles switched on as they arrive. The provider's
discovery document is read before anything is saved, so a district never ends up with a
sign-in button that leads nowhere."""

from __future__ import annotations

import json
import re
from urllib.parse import urlsplit

import requests
from allauth.socialaccount.models import SocialApp
from django import forms
from django.core.cache import cache
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from schoolwell.models import District, Role
from schoolwell.signin_switch import SWITCHABLE_ROLES
from schoolwell.sso.middleware import ORIGINS_KEY
from schoolwell.sso.models import IdentityProvider

Kind = IdentityProvider.Kind
PRESETS = {
    Kind.GOOGLE: "https://accounts.google.com",
    Kind.MICROSOFT: "https://login.microsoftonline.com/{tenant}/v2.0",
    Kind.CLEVER: "https://clever.com",
    Kind.CLASSLINK: "https://launchpad.classlink.com",
}
WELL_KNOWN = "/.well-known/openid-configuration"
DISCOVERY_KEYS = ("issuer", "authorization_endpoint", "token_endpoint", "jwks_uri")
DISCOVERY_TIMEOUT = 5
DISCOVERY_MAX_BYTES = 1_000_000
# Plain http only to this machine (the local test provider); a real provider is https.
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
TENANT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9.-]{0,99}$")
MICROSOFT = re.compile(r"^https://login\.microsoftonline\.com/([^/]+)/v2\.0$")
# Any Microsoft account, not the district's: their ID tokens never name one issuer either.
SHARED_TENANTS = {"common", "organizations", "consumers"}
LABEL_MAX = SocialApp._meta.get_field("name").max_length


def well_known(server_url: str) -> str:
    """The discovery document's address, as allauth's OpenID Connect provider builds it."""
    return server_url if "/.well-known/" in server_url else server_url + WELL_KNOWN


def discovery_problem(server_url: str) -> str | None:
    """Why the provider's discovery document cannot be used, or None: it must answer within
    DISCOVERY_TIMEOUT seconds with JSON naming its issuer and its endpoints."""
    url = well_known(server_url)
    try:
        with requests.get(url, timeout=DISCOVERY_TIMEOUT, stream=True) as response:
            status = response.status_code
            body = response.raw.read(DISCOVERY_MAX_BYTES + 1, decode_content=True)
    except (requests.RequestException, OSError):
        return _("SchoolWell could not reach %(url)s. Check the address.") % {"url": url}
    if status != 200:
        return _("%(url)s answered with status %(status)s, not the provider's settings.") % {
            "url": url,
            "status": status,
        }
    try:
        document = json.loads(body) if len(body) <= DISCOVERY_MAX_BYTES else None
    except ValueError:
        document = None
    if not isinstance(document, dict):
        return _("%(url)s did not answer with an OpenID Connect discovery document.") % {"url": url}
    missing = [key for key in DISCOVERY_KEYS if not isinstance(document.get(key), str)]
    if missing or not all(document[key] for key in DISCOVERY_KEYS):
        return _("The provider's discovery document at %(url)s does not give %(missing)s.") % {
            "url": url,
            "missing": ", ".join(missing or DISCOVERY_KEYS),
        }
    return None


def default_label(district: District) -> str:
    return (_("Sign in with %(district)s SSO") % {"district": district.name})[:LABEL_MAX]


class ProviderForm(forms.ModelForm):
    tenant = forms.CharField(
        label=gettext_lazy("Microsoft tenant"),
        required=False,
        max_length=100,
        help_text=gettext_lazy(
            "Your tenant ID or primary domain, e.g. riverbend.onmicrosoft.com. "
            "Only for Microsoft Entra ID."
        ),
    )
    server_url = forms.URLField(
        label=gettext_lazy("Issuer or discovery URL"),
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text=gettext_lazy(
            "Only for another OpenID Connect provider: the address its documentation gives, "
            "e.g. https://sso.example.org/realms/district."
        ),
    )
    label = forms.CharField(
        label=gettext_lazy("Button label"),
        max_length=LABEL_MAX,
        required=False,
        help_text=gettext_lazy("What the sign-in page's button says."),
    )
    client_id = forms.CharField(label=gettext_lazy("Client ID"), max_length=191)
    client_secret = forms.CharField(
        label=gettext_lazy("Client secret"),
        max_length=191,
        required=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
    )

    class Meta:
        model = IdentityProvider
        fields = [
            "kind",
            "match_by",
            "match_claim",
            "students_sso_only",
            "staff_sso_only",
            "trust_provider_mfa",
            "mfa_amr",
            "mfa_acr",
            "sign_out_at_provider",
            "enabled",
        ]
        labels = {
            "kind": gettext_lazy("Provider"),
            "mfa_amr": gettext_lazy("amr values that mean a second factor was used"),
            "mfa_acr": gettext_lazy("acr values that mean a second factor was used"),
        }
        help_texts = {"mfa_amr": gettext_lazy("Space-separated, e.g. mfa otp hwk.")}

    def __init__(self, *args, district: District, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.district = district
        order = ["kind", "tenant", "server_url", "label", "client_id", "client_secret"]
        self.order_fields(order + self.Meta.fields[1:])
        app = self.instance.app if self.instance.pk else None
        if app is None:
            self.fields["client_secret"].required = True
            self.initial.setdefault("label", default_label(district))
            return
        self.fields["client_secret"].help_text = _(
            "Leave empty to keep the secret already saved. It is never shown again."
        )
        server_url = app.settings.get("server_url", "")
        tenant = MICROSOFT.match(server_url)
        self.initial.update(label=app.name, client_id=app.client_id, server_url=server_url)
        if tenant and self.instance.kind == Kind.MICROSOFT:
            self.initial["tenant"] = tenant.group(1)

    def clean_tenant(self) -> str:
        tenant = self.cleaned_data["tenant"].strip()
        if self.data.get(self.add_prefix("kind")) != Kind.MICROSOFT:
            return ""
        if not tenant:
            raise forms.ValidationError(_("Enter your Microsoft tenant ID or domain."))
        if tenant.lower() in SHARED_TENANTS or not TENANT.match(tenant):
            raise forms.ValidationError(
                _("Enter your district's own tenant ID or domain (not common or organizations).")
            )
        return tenant

    def clean(self) -> dict:
        data = super().clean()
        kind = data.get("kind")
        if kind is None or self.errors:
            return data
        if kind == Kind.OIDC:
            url = (data.get("server_url") or "").rstrip("/")
            if not url:
                self.add_error("server_url", _("Enter the provider's issuer or discovery URL."))
                return data
            bits = urlsplit(url)
            if bits.scheme != "https" and bits.hostname not in LOOPBACK:
                self.add_error("server_url", _("Use the provider's https:// address."))
                return data
        else:
            url = PRESETS[kind].format(tenant=data.get("tenant", ""))
        data["server_url"] = url
        data["label"] = data.get("label") or default_label(self.district)
        problem = discovery_problem(url)
        if problem:  # beside the field the address came from
            field = {Kind.OIDC: "server_url", Kind.MICROSOFT: "tenant"}.get(kind, "kind")
            self.add_error(field, problem)
        return data


def unique_provider_id(district: District) -> str:
    base = slugify(district.name)[:50].strip("-") or "district"
    taken = set(
        SocialApp.objects.filter(provider_id__startswith=base).values_list("provider_id", flat=True)
    )
    found, n = base, 1
    while found in taken:
        n += 1
        found = f"{base}-{n}"
    return found


@transaction.atomic
def provider_save(*, form: ProviderForm, district: District) -> IdentityProvider:
    """The district's provider, made or changed with its SocialApp in one transaction. The
    provider_id (in the callback URL registered at the provider) is chosen once and kept;
    an empty secret keeps the stored one."""
    data = form.cleaned_data
    current = (
        IdentityProvider.objects.select_for_update()
        .select_related("app")
        .filter(district=district)
        .first()
    )
    app = current.app if current else SocialApp(provider="openid_connect")
    if not app.pk:
        app.provider_id = unique_provider_id(district)
    app.name = data["label"]
    app.client_id = data["client_id"]
    if data["client_secret"]:
        app.secret = data["client_secret"]
    app.settings = {**app.settings, "server_url": data["server_url"], "oauth_pkce_enabled": True}
    app.full_clean(exclude=["sites"])
    app.save()
    idp = form.save(commit=False)
    if current is not None:
        idp.pk = current.pk
    idp.district, idp.app = district, app
    idp.full_clean()
    idp.save()
    # The sign-in pages' allowed form targets follow the provider's new address at once.
    transaction.on_commit(lambda: cache.delete(ORIGINS_KEY.format(app.pk)))
    return idp


class SignInRolesForm(forms.Form):
    roles = forms.MultipleChoiceField(
        label=gettext_lazy("Roles switched on as they arrive"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=[(role, Role(role).label) for role in SWITCHABLE_ROLES],
    )
