from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticStorage(CompressedManifestStaticFilesStorage):
    """collectstatic writes content-hashed names (served for a year) with .gz and .br copies,
    and pages link those. Where collectstatic has not run (a fresh checkout, a test server),
    a page links the source name rather than failing."""

    manifest_strict = False

    def stored_name(self, name: str) -> str:
        try:
            return super().stored_name(name)
        except ValueError:  # neither in the manifest nor in STATIC_ROOT
            return name
