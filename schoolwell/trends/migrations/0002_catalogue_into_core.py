"""The need and service catalogue moved to the core (schoolwell.0012_catalogue_into_core):
this app's relations point there. State only: the columns and their rows stay as they are."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("schoolwell", "0012_catalogue_into_core"),
        ("trends", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.AlterField(
                    model_name="concernmonth",
                    name="category",
                    field=models.ForeignKey(
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="schoolwell.category",
                    ),
                ),
            ],
        ),
    ]
