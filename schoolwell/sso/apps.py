from django.apps import AppConfig


class SsoConfig(AppConfig):
    """Single sign-on: each district's identity provider, matched to the roster's people.
    Reads the core; imported by nothing but settings (adapters, the provider class)."""

    name = "schoolwell.sso"
    label = "sso"
    verbose_name = "Single sign-on"
