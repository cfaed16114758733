from django.apps import AppConfig


class SchoolwellConfig(AppConfig):
    name = "schoolwell"
    verbose_name = "SchoolWell core"

    def ready(self) -> None:
        from schoolwell import signin_cache

        signin_cache.install()
