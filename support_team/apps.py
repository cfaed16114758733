from django.apps import AppConfig


class SupportTeamConfig(AppConfig):
    name = "support_team"
    verbose_name = "Support team"
