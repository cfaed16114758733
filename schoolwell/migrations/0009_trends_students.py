"""The trends summary keeps, for each cell, its distinct students and the sum of its records'
ids (the threshold counts students; the published figure's adjustment comes from the ids), and
intakes by how triage went and what became of them instead of one column per outcome. The old
summary is dropped: views count live until the next nightly rebuild (trends_rollup_task)."""

from django.db import migrations, models


def drop_summary(apps, schema_editor):
    for name in (
        "ConcernMonth",
        "RequestMonth",
        "IntakeMonth",
        "WaitMonth",
        "WaitPercentile",
        "TrendsRollup",
    ):
        apps.get_model("schoolwell", name).objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("schoolwell", "0008_access_log_actor"),
    ]

    operations = [
        migrations.RunPython(drop_summary, migrations.RunPython.noop),
        *[
            migrations.AddField(
                model_name=model,
                name=name,
                field=field,
                preserve_default=False,
            )
            for model in ("concernmonth", "requestmonth")
            for name, field in (
                ("students", models.PositiveIntegerField(default=0)),
                ("ids", models.BigIntegerField(default=0)),
            )
        ],
        *[
            migrations.RemoveField(model_name="intakemonth", name=name)
            for name in ("within", "late", "untriaged", "delivered", "closed", "waiting")
        ],
        *[
            migrations.AddField(
                model_name="intakemonth",
                name=name,
                field=field,
                preserve_default=False,
            )
            for name, field in (
                ("triage", models.CharField(default="", max_length=10)),
                ("outcome", models.CharField(default="", max_length=10)),
                ("n", models.PositiveIntegerField(default=0)),
                ("students", models.PositiveIntegerField(default=0)),
                ("ids", models.BigIntegerField(default=0)),
            )
        ],
    ]
