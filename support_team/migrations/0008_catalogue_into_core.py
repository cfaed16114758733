"""The need and service catalogue moved to the core (schoolwell.0012_catalogue_into_core):
this app's relations point there. State only: the columns and their rows stay as they are."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("schoolwell", "0012_catalogue_into_core"),
        ("support_team", "0007_transfers_to_own_app"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.AlterField(
                    model_name="case",
                    name="needs",
                    field=models.ManyToManyField(
                        blank=True, related_name="+", to="schoolwell.category"
                    ),
                ),
                migrations.AlterField(
                    model_name="historicalcase_needs",
                    name="category",
                    field=models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_tablespace="",
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="schoolwell.category",
                    ),
                ),
                migrations.AlterField(
                    model_name="historicalintake",
                    name="routed_service",
                    field=models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        help_text="The school service this was routed to",
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="schoolwell.service",
                    ),
                ),
                migrations.AlterField(
                    model_name="intake",
                    name="routed_service",
                    field=models.ForeignKey(
                        blank=True,
                        help_text="The school service this was routed to",
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="schoolwell.service",
                    ),
                ),
            ],
        ),
    ]
