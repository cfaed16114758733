import time

from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.core.management.base import BaseCommand

from schoolwell import demo


class Command(BaseCommand):
    help = "Print the current two-step code for the demo staff accounts (demo only)."

    def handle(self, *args, **options):
        counter = int(time.time()) // 30
        code = format_hotp_value(hotp_value(demo.DEMO_TOTP_SECRET, counter))
        self.stdout.write(f"{code}  (valid for {30 - int(time.time()) % 30} more seconds)")
