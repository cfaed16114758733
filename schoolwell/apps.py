from django.apps import AppConfig


class SchoolwellConfig(AppConfig):
    name = "schoolwell"
    verbose_name = "SchoolWell core"

    def ready(self) -> None:
        # Imported for its receivers, which end a person's sockets with their session.
        import schoolwell.live_sessions  # noqa: F401
        from schoolwell import signin_cache

        signin_cache.install()
