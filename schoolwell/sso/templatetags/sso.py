from django import template

from schoolwell.sso.models import IdentityProvider

register = template.Library()


@register.simple_tag
def identity_providers() -> list[IdentityProvider]:
    """The providers in use, for the sign-in page: those a district requires first."""
    found = IdentityProvider.objects.filter(enabled=True).select_related("app", "district")
    return sorted(
        found, key=lambda idp: (not (idp.students_sso_only or idp.staff_sso_only), idp.label)
    )
