"""The catalogue several apps point at moves into the core: the needs (concerns.Category, with
its history) and the school service catalogue (self_report.Service, a translated Wagtail
snippet). Their rows stay: this adds the models to the core's state only; the tables are renamed
to the core's names where the old apps let them go (concerns.0006 and self_report.0004, after
every app's relations point here). The content types follow, and with them the permissions,
admin log entries and Wagtail references that name them."""

import uuid

import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models

MOVED = {
    "concerns": ("category", "historicalcategory"),
    "self_report": ("service",),
}


def move_content_types(*, back: bool):
    def run(apps, schema_editor):
        ContentType = apps.get_model("contenttypes", "ContentType")
        db = schema_editor.connection.alias
        for app, names in MOVED.items():
            old, new = ("schoolwell", app) if back else (app, "schoolwell")
            for name in names:
                # A row for the new label exists only if something made it before this ran;
                # then the old one is stale and is left for remove_stale_contenttypes.
                if not ContentType.objects.using(db).filter(app_label=new, model=name).exists():
                    ContentType.objects.using(db).filter(app_label=old, model=name).update(
                        app_label=new
                    )

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("schoolwell", "0011_trends_to_own_app"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="Category",
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
                        ("slug", models.SlugField(unique=True)),
                        ("name", models.CharField(max_length=80)),
                        (
                            "name_es",
                            models.CharField(
                                blank=True, max_length=80, verbose_name="name in Spanish"
                            ),
                        ),
                        ("always_urgent", models.BooleanField(default=False)),
                        ("order", models.PositiveSmallIntegerField(default=100)),
                        ("active", models.BooleanField(default=True)),
                    ],
                    options={
                        "verbose_name_plural": "categories",
                        "ordering": ["order", "name"],
                    },
                ),
                migrations.CreateModel(
                    name="HistoricalCategory",
                    fields=[
                        (
                            "id",
                            models.BigIntegerField(
                                auto_created=True, blank=True, db_index=True, verbose_name="ID"
                            ),
                        ),
                        ("slug", models.SlugField()),
                        ("name", models.CharField(max_length=80)),
                        (
                            "name_es",
                            models.CharField(
                                blank=True, max_length=80, verbose_name="name in Spanish"
                            ),
                        ),
                        ("always_urgent", models.BooleanField(default=False)),
                        ("order", models.PositiveSmallIntegerField(default=100)),
                        ("active", models.BooleanField(default=True)),
                        ("history_id", models.AutoField(primary_key=True, serialize=False)),
                        ("history_date", models.DateTimeField(db_index=True)),
                        ("history_change_reason", models.CharField(max_length=100, null=True)),
                        (
                            "history_type",
                            models.CharField(
                                choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")],
                                max_length=1,
                            ),
                        ),
                        (
                            "history_user",
                            models.ForeignKey(
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "historical category",
                        "verbose_name_plural": "historical categories",
                        "ordering": ("-history_date", "-history_id"),
                        "get_latest_by": ("history_date", "history_id"),
                    },
                    bases=(simple_history.models.HistoricalChanges, models.Model),
                ),
                migrations.CreateModel(
                    name="Service",
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
                        ("translation_key", models.UUIDField(default=uuid.uuid4, editable=False)),
                        ("name", models.CharField(max_length=100)),
                        (
                            "description",
                            models.CharField(
                                help_text="Plain words a 10-year-old reads.", max_length=300
                            ),
                        ),
                        (
                            "min_grade",
                            models.CharField(
                                choices=[
                                    ("PK", "PK"),
                                    ("KG", "KG"),
                                    ("01", "01"),
                                    ("02", "02"),
                                    ("03", "03"),
                                    ("04", "04"),
                                    ("05", "05"),
                                    ("06", "06"),
                                    ("07", "07"),
                                    ("08", "08"),
                                    ("09", "09"),
                                    ("10", "10"),
                                    ("11", "11"),
                                    ("12", "12"),
                                ],
                                default="KG",
                                max_length=2,
                            ),
                        ),
                        (
                            "max_grade",
                            models.CharField(
                                choices=[
                                    ("PK", "PK"),
                                    ("KG", "KG"),
                                    ("01", "01"),
                                    ("02", "02"),
                                    ("03", "03"),
                                    ("04", "04"),
                                    ("05", "05"),
                                    ("06", "06"),
                                    ("07", "07"),
                                    ("08", "08"),
                                    ("09", "09"),
                                    ("10", "10"),
                                    ("11", "11"),
                                    ("12", "12"),
                                ],
                                default="12",
                                max_length=2,
                            ),
                        ),
                        (
                            "provided_by",
                            models.CharField(
                                choices=[
                                    ("school", "At school"),
                                    ("partner", "By a community partner"),
                                ],
                                default="school",
                                max_length=10,
                            ),
                        ),
                        (
                            "discipline",
                            models.CharField(
                                choices=[
                                    ("social_worker", "Social worker"),
                                    ("counselor", "Counselor"),
                                    ("psychologist", "Psychologist"),
                                    ("nurse", "Nurse"),
                                    ("administrator", "Administrator"),
                                ],
                                help_text="Which team member receives it.",
                                max_length=30,
                            ),
                        ),
                        ("order", models.PositiveSmallIntegerField(default=100)),
                        ("active", models.BooleanField(default=True)),
                        (
                            "locale",
                            models.ForeignKey(
                                editable=False,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="wagtailcore.locale",
                                verbose_name="locale",
                            ),
                        ),
                    ],
                    options={
                        "ordering": ["order", "name"],
                        "abstract": False,
                        "unique_together": {("translation_key", "locale")},
                    },
                ),
            ],
        ),
        migrations.RunPython(move_content_types(back=False), move_content_types(back=True)),
    ]
