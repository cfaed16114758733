from django.apps import AppConfig


class SchoolwellConfig(AppConfig):
    name = "schoolwell"
    verbose_name = "SchoolWell core"
