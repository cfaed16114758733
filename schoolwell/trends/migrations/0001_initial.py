"""The trends models, moved here from the core app (schoolwell.0011_trends_to_own_app renamed
their tables and took them out of its state): this adds them to this app's state only, so
every row stays where it is."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("concerns", "0005_concernimport_duplicates_and_date_order"),
        ("schoolwell", "0011_trends_to_own_app"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="TrendsRollup",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("built_at", models.DateTimeField()),
                        (
                            "covers_until",
                            models.DateField(help_text="The days before this one are summarised"),
                        ),
                        ("seconds", models.FloatField(default=0)),
                    ],
                    options={
                        "get_latest_by": "built_at",
                    },
                ),
                migrations.CreateModel(
                    name="TrendsToken",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "name",
                            models.CharField(
                                help_text="Which tool uses it, e.g. 'Power BI'", max_length=100
                            ),
                        ),
                        ("key_hash", models.CharField(editable=False, max_length=64, unique=True)),
                        (
                            "key_start",
                            models.CharField(
                                editable=False,
                                help_text="The key's first characters, to recognise it",
                                max_length=12,
                            ),
                        ),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        (
                            "last_used_at",
                            models.DateTimeField(blank=True, editable=False, null=True),
                        ),
                        ("revoked", models.BooleanField(default=False)),
                        (
                            "created_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "district",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="trends_tokens",
                                to="schoolwell.district",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "trends API token",
                        "ordering": ["district", "name"],
                    },
                ),
                migrations.CreateModel(
                    name="ConcernMonth",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("month", models.DateField()),
                        ("grade", models.CharField(blank=True, max_length=4)),
                        ("n", models.PositiveIntegerField()),
                        ("students", models.PositiveIntegerField()),
                        ("ids", models.BigIntegerField()),
                        (
                            "category",
                            models.ForeignKey(
                                db_index=False,
                                null=True,
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to="concerns.category",
                            ),
                        ),
                        (
                            "school",
                            models.ForeignKey(
                                db_index=False,
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to="schoolwell.school",
                            ),
                        ),
                    ],
                    options={
                        "abstract": False,
                        "indexes": [
                            models.Index(fields=["category", "month"], name="trends_concern_month")
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="IntakeMonth",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("month", models.DateField()),
                        ("grade", models.CharField(blank=True, max_length=4)),
                        ("n", models.PositiveIntegerField()),
                        ("students", models.PositiveIntegerField()),
                        ("ids", models.BigIntegerField()),
                        ("source", models.CharField(max_length=20)),
                        ("routed_key", models.UUIDField(null=True)),
                        ("triage", models.CharField(max_length=10)),
                        ("outcome", models.CharField(max_length=10)),
                        (
                            "school",
                            models.ForeignKey(
                                db_index=False,
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to="schoolwell.school",
                            ),
                        ),
                    ],
                    options={
                        "abstract": False,
                        "indexes": [
                            models.Index(fields=["month", "school"], name="trends_intake_month")
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="RequestMonth",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("month", models.DateField()),
                        ("grade", models.CharField(blank=True, max_length=4)),
                        ("n", models.PositiveIntegerField()),
                        ("students", models.PositiveIntegerField()),
                        ("ids", models.BigIntegerField()),
                        ("service_key", models.UUIDField(null=True)),
                        (
                            "school",
                            models.ForeignKey(
                                db_index=False,
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to="schoolwell.school",
                            ),
                        ),
                    ],
                    options={
                        "abstract": False,
                        "indexes": [
                            models.Index(fields=["month", "school"], name="trends_request_month")
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="WaitMonth",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("month", models.DateField()),
                        ("minutes", models.IntegerField()),
                        ("n", models.PositiveIntegerField()),
                        (
                            "district",
                            models.ForeignKey(
                                db_index=False,
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to="schoolwell.district",
                            ),
                        ),
                    ],
                    options={
                        "abstract": False,
                        "indexes": [
                            models.Index(fields=["district", "month"], name="trends_wait_month")
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="WaitPercentile",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("month", models.DateField()),
                        ("median", models.FloatField()),
                        ("p90", models.FloatField()),
                        (
                            "district",
                            models.ForeignKey(
                                db_index=False,
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to="schoolwell.district",
                            ),
                        ),
                    ],
                    options={
                        "abstract": False,
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("district", "month"), name="trends_wait_percentile"
                            )
                        ],
                    },
                ),
            ],
        ),
    ]
