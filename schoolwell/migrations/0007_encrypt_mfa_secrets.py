"""TOTP secrets and recovery seeds stored before schoolwell.mfa_secrets existed were plaintext:
encrypt them under settings.MFA_ENCRYPTION_KEYS (reversible, for a rollback)."""

from django.db import migrations


def encrypt_secrets(apps, schema_editor):
    from schoolwell.mfa_secrets import authenticators_seal

    authenticators_seal(authenticator_model=apps.get_model("mfa", "Authenticator"), rotate=False)


def decrypt_secrets(apps, schema_editor):
    from schoolwell.mfa_secrets import opened_data

    Authenticator = apps.get_model("mfa", "Authenticator")
    for authenticator in Authenticator.objects.order_by("pk"):
        authenticator.data = opened_data(authenticator.data)
        authenticator.save(update_fields=["data"])


class Migration(migrations.Migration):
    dependencies = [
        ("schoolwell", "0006_trends_daily_summary"),
        ("mfa", "0003_authenticator_type_uniq"),
    ]

    operations = [migrations.RunPython(encrypt_secrets, decrypt_secrets)]
