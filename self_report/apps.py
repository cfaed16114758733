from django.apps import AppConfig


class SelfReportConfig(AppConfig):
    name = "self_report"
    verbose_name = "Student self-report"
