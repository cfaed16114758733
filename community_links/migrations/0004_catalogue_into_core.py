"""The need and service catalogue moved to the core (schoolwell.0012_catalogue_into_core):
this app's relations point there. State only: the columns and their rows stay as they are."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("community_links", "0003_resource_district_and_last_verified"),
        ("schoolwell", "0012_catalogue_into_core"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.AlterField(
                    model_name="historicalreferral",
                    name="need",
                    field=models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="schoolwell.category",
                    ),
                ),
                migrations.AlterField(
                    model_name="referral",
                    name="need",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="schoolwell.category",
                    ),
                ),
                migrations.AlterField(
                    model_name="resource",
                    name="needs",
                    field=models.ManyToManyField(
                        blank=True, related_name="+", to="schoolwell.category"
                    ),
                ),
                migrations.AlterField(
                    model_name="taxonomyterm",
                    name="category",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="schoolwell.category",
                    ),
                ),
            ],
        ),
    ]
