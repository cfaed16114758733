"""Every installation starts with the default risk phrases (self_report/risk_phrases.py);
until now only the demo data had any. Phrases already there are left as the leads made them.
Going back keeps the phrases: they are the leads' list from here on."""

from django.db import migrations

from self_report.risk_phrases import add_defaults


def forwards(apps, schema_editor):
    add_defaults(apps.get_model("self_report", "RiskPhrase"))


class Migration(migrations.Migration):
    dependencies = [("self_report", "0004_catalogue_into_core")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
