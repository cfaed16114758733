from allauth.mfa import stages

from schoolwell.auth import provider_vouched


class AuthenticateStage(stages.AuthenticateStage):
    """allauth's TOTP step, skipped when the district's provider vouched for a second
    factor on this very sign-in (adapter.py)."""

    def _should_handle(self, request) -> bool:
        if provider_vouched(request, self.login.user):
            return False
        return super()._should_handle(request)
