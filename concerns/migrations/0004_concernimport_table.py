"""A legacy import keeps the table read from the file at upload, not the file: the preview
and the confirmation no longer read the file again. A preview waiting at the time of the
upgrade has no table, so it ends as failed, asking for the file again (a preview only waits
a day anyway)."""

from django.db import migrations, models


def end_waiting_previews(apps, schema_editor):
    ConcernImport = apps.get_model("concerns", "ConcernImport")
    ConcernImport.objects.filter(status="preview").update(
        status="failed",
        file=b"",
        problems=[
            {
                "line": None,
                "column": "",
                "message": "This preview was made before an upgrade; upload the file again.",
            }
        ],
    )


class Migration(migrations.Migration):
    dependencies = [
        ("concerns", "0003_concernimport"),
    ]

    operations = [
        migrations.RunPython(end_waiting_previews, migrations.RunPython.noop),
        migrations.AddField(
            model_name="concernimport",
            name="table",
            field=models.JSONField(blank=True, default=dict),
        ),
        migrations.AddField(
            model_name="concernimport",
            name="preview",
            field=models.JSONField(blank=True, default=dict),
        ),
        migrations.RemoveField(
            model_name="concernimport",
            name="file",
        ),
    ]
