import signal
import time

from django.core.management.base import BaseCommand

from schoolwell.sso.demo import idp_config
from schoolwell.sso.idp_process import LocalIdP


class Command(BaseCommand):
    help = "Run the demo district's local OpenID Provider (make demo starts it) until stopped."

    def handle(self, *args, **options):
        config = idp_config()
        with LocalIdP(config) as idp:
            self.stdout.write(
                f"Riverbend SSO (local identity provider) is at {idp.issuer}: "
                f"{len(config['users'])} demo accounts, the demo password, any 6-digit code."
            )
            stop = []
            signal.signal(signal.SIGTERM, lambda *_: stop.append(True))
            try:
                while not stop and idp.running:
                    time.sleep(0.5)
            except KeyboardInterrupt:
                pass
