"""The school service catalogue moved to the core (schoolwell.0012_catalogue_into_core).
Requests and consent rules point there (state only); once every app's relations do, the table
takes the core's name, rows, keys, locales and translation keys unchanged, and the model leaves
this app's state."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("schoolwell", "0012_catalogue_into_core"),
        ("self_report", "0003_one_intake_per_checkin"),
        ("support_team", "0008_catalogue_into_core"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.AlterField(
                    model_name="selfreportrequest",
                    name="service",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        to="schoolwell.service",
                    ),
                ),
                migrations.AlterField(
                    model_name="historicalselfreportrequest",
                    name="service",
                    field=models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="schoolwell.service",
                    ),
                ),
                migrations.AlterField(
                    model_name="consentrule",
                    name="service",
                    field=models.ForeignKey(
                        help_text=(
                            "The service in the default language; it covers its translations."
                        ),
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="schoolwell.service",
                    ),
                ),
            ],
        ),
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.AlterModelTable(name="Service", table="schoolwell_service"),
            ],
            state_operations=[
                migrations.DeleteModel(
                    name="Service",
                ),
            ],
        ),
    ]
