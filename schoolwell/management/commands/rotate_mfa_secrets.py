from allauth.mfa.models import Authenticator
from cryptography.fernet import InvalidToken
from django.core.management.base import BaseCommand, CommandError

from schoolwell.mfa_secrets import authenticators_seal


class Command(BaseCommand):
    help = (
        "Re-encrypt every stored TOTP secret and recovery seed under the first key of "
        "MFA_ENCRYPTION_KEYS (or SECRET_KEY), so older keys can then be removed."
    )

    def handle(self, *args, **options):
        try:
            changed = authenticators_seal(authenticator_model=Authenticator, rotate=True)
        except InvalidToken:
            raise CommandError(
                "A stored secret opens with none of the configured keys: list the key it was "
                "encrypted under too (after the new one), then run this again. Nothing changed."
            ) from None
        self.stdout.write(f"{changed} authenticators re-encrypted under the first key.")
