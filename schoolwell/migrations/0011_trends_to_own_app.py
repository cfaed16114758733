"""The trends models move to their own app, `trends` (schoolwell/trends/). Their rows stay:
the tables are renamed to the new app's names and the models leave this app's state only;
trends.0001_initial adds them to the new app's state without touching the database. The
content types (and so the admin permissions and log entries pointing at them) follow."""

from django.db import migrations

MODELS = (
    "TrendsToken",
    "TrendsRollup",
    "ConcernMonth",
    "RequestMonth",
    "IntakeMonth",
    "WaitMonth",
    "WaitPercentile",
)


def move_content_types(old: str, new: str):
    def run(apps, schema_editor):
        ContentType = apps.get_model("contenttypes", "ContentType")
        db = schema_editor.connection.alias
        for name in (model.lower() for model in MODELS):
            # A row for the new label exists only if something created it before this ran;
            # then the old row is the stale one and is left for remove_stale_contenttypes.
            if not ContentType.objects.using(db).filter(app_label=new, model=name).exists():
                ContentType.objects.using(db).filter(app_label=old, model=name).update(
                    app_label=new
                )

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("schoolwell", "0010_district_country"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.AlterModelTable(name=model, table=f"trends_{model.lower()}")
                for model in MODELS
            ],
            state_operations=[migrations.DeleteModel(name=model) for model in MODELS],
        ),
        migrations.RunPython(
            move_content_types("schoolwell", "trends"),
            move_content_types("trends", "schoolwell"),
        ),
    ]
