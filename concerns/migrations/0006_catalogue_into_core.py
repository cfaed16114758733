"""The need categories moved to the core (schoolwell.0012_catalogue_into_core). The concerns'
categories point there (state only); once every app's relations do, the tables take the core's
names, rows and keys unchanged, and the models leave this app's state."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("community_links", "0004_catalogue_into_core"),
        ("concerns", "0005_concernimport_duplicates_and_date_order"),
        ("schoolwell", "0012_catalogue_into_core"),
        ("support_team", "0008_catalogue_into_core"),
        ("trends", "0002_catalogue_into_core"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.AlterField(
                    model_name="historicalconcern_categories",
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
                    model_name="concern",
                    name="categories",
                    field=models.ManyToManyField(related_name="concerns", to="schoolwell.category"),
                ),
            ],
        ),
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.AlterModelTable(name="Category", table="schoolwell_category"),
                migrations.AlterModelTable(
                    name="HistoricalCategory", table="schoolwell_historicalcategory"
                ),
            ],
            state_operations=[
                migrations.DeleteModel(
                    name="Category",
                ),
                migrations.DeleteModel(
                    name="HistoricalCategory",
                ),
            ],
        ),
    ]
