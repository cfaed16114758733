from django.apps import AppConfig


class TrendsConfig(AppConfig):
    """District trends: its own models and migrations; reads every app, imported by none."""

    name = "schoolwell.trends"
    label = "trends"
    verbose_name = "District trends"
