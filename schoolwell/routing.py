"""Websocket routes, gathered from each installed app's optional `routing` module (its
`websocket_urlpatterns`), so the core never imports the apps that serve them. Every route is
in the role matrix test (tests/test_role_matrix.py)."""

from importlib import import_module

from django.apps import apps
from django.urls import URLPattern
from django.utils.module_loading import module_has_submodule


def app_websocket_urlpatterns() -> list[URLPattern]:
    patterns: list[URLPattern] = []
    for config in apps.get_app_configs():
        if config.name != __package__ and module_has_submodule(config.module, "routing"):
            module = import_module(f"{config.name}.routing")
            patterns += getattr(module, "websocket_urlpatterns", [])
    return patterns


websocket_urlpatterns = app_websocket_urlpatterns()
