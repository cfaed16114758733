"""A district's identity provider: the OpenID Connect client SchoolWell is at that provider
(an allauth SocialApp: discovery URL, client id and secret) and the district's rules for it."""

from allauth.socialaccount.models import SocialApp
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from schoolwell.models import District

# RFC 8176 authentication method references that mean more than one factor was used.
SECOND_FACTOR_AMR = "mfa otp hwk swk sms"


class IdentityProvider(models.Model):
    class Kind(models.TextChoices):
        GOOGLE = "google", _("Google Workspace")
        MICROSOFT = "microsoft", _("Microsoft Entra ID")
        CLEVER = "clever", _("Clever")
        CLASSLINK = "classlink", _("ClassLink")
        OIDC = "oidc", _("Another OpenID Connect provider")

    class MatchBy(models.TextChoices):
        EMAIL = "email", _("Verified e-mail address")
        USERNAME = "username", _("Roster username")
        IDENTIFIER = "identifier", _("Roster identifier")
        MASTER = "userMasterIdentifier", _("Roster userMasterIdentifier")

    district = models.OneToOneField(
        District, on_delete=models.CASCADE, related_name="identity_provider"
    )
    app = models.OneToOneField(SocialApp, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.OIDC)
    enabled = models.BooleanField(_("in use"), default=True)
    match_by = models.CharField(
        _("match people by"), max_length=30, choices=MatchBy.choices, default=MatchBy.EMAIL
    )
    match_claim = models.CharField(
        _("claim holding the roster identifier"),
        max_length=100,
        blank=True,
        help_text=_("Only when matching by a roster identifier, e.g. preferred_username."),
    )
    # Providers shared by many organisations (Clever, ClassLink, Google, a multi-tenant
    # Entra app) say whose account it is in a claim: the token must carry this district's.
    district_claim = models.CharField(
        _("claim naming the organisation"),
        max_length=100,
        blank=True,
        help_text=_("e.g. district (Clever), hd (Google Workspace), tid (Entra ID)"),
    )
    district_claim_value = models.CharField(
        _("this district's value of it"), max_length=200, blank=True
    )
    students_sso_only = models.BooleanField(
        _("students sign in only through this provider"), default=False
    )
    staff_sso_only = models.BooleanField(
        _("staff sign in only through this provider"), default=False
    )
    trust_provider_mfa = models.BooleanField(
        _("trust the provider's second factor for staff"),
        default=False,
        help_text=_("Staff whose sign-in the provider says used a second factor skip TOTP."),
    )
    mfa_amr = models.CharField(
        _("amr values that mean a second factor"), max_length=200, default=SECOND_FACTOR_AMR
    )
    mfa_acr = models.CharField(
        _("acr values that mean a second factor"),
        max_length=300,
        blank=True,
        help_text=_("Space-separated; leave empty if the provider reports amr."),
    )
    sign_out_at_provider = models.BooleanField(
        _("signing out of SchoolWell also signs out at the provider"),
        default=True,
        help_text=_("Only where the provider offers RP-initiated logout."),
    )
    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"{self.app.name} ({self.district})"

    @classmethod
    def create(
        cls,
        district: District,
        *,
        provider_id: str,
        label: str,
        issuer: str,
        client_id: str,
        secret: str,
        **rules: object,
    ) -> "IdentityProvider":
        """A district's provider and its allauth SocialApp, in one step (the demo, tests)."""
        app = SocialApp.objects.create(
            provider="openid_connect",
            provider_id=provider_id,
            name=label,
            client_id=client_id,
            secret=secret,
            settings={"server_url": issuer, "oauth_pkce_enabled": True},
        )
        return cls.objects.create(district=district, app=app, **rules)

    @property
    def label(self) -> str:
        return self.app.name

    def is_for_this_district(self, claims: dict) -> bool:
        if not self.district_claim:
            return True
        return str(claims.get(self.district_claim, "")) == self.district_claim_value

    @property
    def login_url(self) -> str:
        return reverse("openid_connect_login", kwargs={"provider_id": self.app.provider_id})

    def sso_only_for(self, *, staff: bool) -> bool:
        return self.enabled and (self.staff_sso_only if staff else self.students_sso_only)

    def second_factor_used(self, claims: dict) -> bool:
        """The ID token says a second factor was used, in words this district trusts."""
        if not self.trust_provider_mfa:
            return False
        amr = claims.get("amr") or []
        amr = [amr] if isinstance(amr, str) else amr
        if set(map(str, amr)) & set(self.mfa_amr.split()):
            return True
        return bool(self.mfa_acr.split()) and str(claims.get("acr", "")) in self.mfa_acr.split()
