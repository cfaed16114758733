import importlib
import importlib.util

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand

from schoolwell import demo


class Command(BaseCommand):
    help = "Build the demo district (deterministic from --seed; running it again changes nothing)."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args, seed: int, **options):
        made = demo.seed(seed=seed)
        # Each app adds its own demo content on top (self_report.demo, ...), found by name so
        # the core never imports the apps.
        for app in apps.get_app_configs():
            if app.name != "schoolwell" and importlib.util.find_spec(f"{app.name}.demo"):
                made |= importlib.import_module(f"{app.name}.demo").seed(seed=seed)
        self.stdout.write(
            self.style.SUCCESS(
                "Demo district ready: "
                + ", ".join(f"{count} {kind} added" for kind, count in made.items())
            )
        )
        self.stdout.write(f"\nDemo accounts (password: {settings.DEMO_PASSWORD}):")
        for local, _first, _last, role, discipline in demo.DEMO_ACCOUNTS:
            label = f"{role.label}" + (f" ({discipline.label})" if discipline else "")
            self.stdout.write(f"  {demo.demo_email(local):34} {label}")
        self.stdout.write(f"  {demo.demo_email('admin'):34} Django and Wagtail admin")
        self.stdout.write(
            "\nStaff sign in with a second step. Add this secret to an authenticator app, "
            f"or run `make demo-code` for the current code:\n  {demo.DEMO_TOTP_SECRET}"
        )
