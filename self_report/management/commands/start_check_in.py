"""What a new district's students need before their first check-in: the check-in page in
English and Spanish, a starting service catalogue and the risk phrases, each editable in the
CMS afterwards. Until now only the demo seed made them, so on a new installation /check-in/
led back to the home page. Running it again adds only what is missing and changes nothing
an editor changed (the page is found by its locale, the services by name)."""

from django.core.management.base import BaseCommand

from schoolwell.models import Service
from self_report import demo
from self_report.models import RiskPhrase, SelfReportPage


class Command(BaseCommand):
    help = (
        "Make the student check-in page (English and Spanish), a starting service catalogue "
        "and the risk phrases, where they are missing. Safe to run again."
    )

    def handle(self, *args, **options):
        had_page = SelfReportPage.objects.exists()
        services, phrases = _services().count(), RiskPhrase.objects.count()
        page = demo.ensure_page()
        demo.ensure_catalogue()
        self.stdout.write(
            self.style.SUCCESS(
                f"Check-in page at {page.url}: {'already there' if had_page else 'made'}; "
                f"{_services().count() - services} services added (English and Spanish); "
                f"{RiskPhrase.objects.count() - phrases} risk phrases added."
            )
        )
        self.stdout.write(
            "Edit the page's questions, crisis help and what happens next, the services and "
            "the risk phrases in the CMS (/cms/) before students use it."
        )


def _services():
    return Service.objects.filter(locale__language_code="en")
