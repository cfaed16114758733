"""The transfer models move to the app `transfers` (support_team/transfers/). Rows stay where
they are: the tables are renamed to `transfers_<model>` here and the models leave this app's
state; transfers.0001_initial takes them over in state only. The content types (and with them
permissions and admin log entries) and the access log's object type follow the models, so
nothing that pointed at a packet before the move loses it."""

from django.db import migrations

# Old state names, in the order they may leave the state (what points at a model goes first).
MODELS = [
    "historicaltransferpacket_included_notes",
    "historicaltransferpacket",
    "transferpacket",
    "historicalpeerdistrict",
    "peerdistrict",
    "historicaldistrictkeypair",
    "districtkeypair",
]
# Access log rows name the object by its label (schoolwell.audit: `_meta.label_lower`).
LOGGED = ["transferpacket", "peerdistrict", "districtkeypair"]


def relabel(apps, old: str, new: str) -> None:
    ContentType = apps.get_model("contenttypes", "ContentType")
    AccessLog = apps.get_model("schoolwell", "AccessLog")
    for model in MODELS:
        # A type already made under the new label (post_migrate of an earlier run, say) has
        # nothing pointing at it yet that the old one does not: the old one, with its
        # permissions and admin log entries, is kept.
        if ContentType.objects.filter(app_label=old, model=model).exists():
            ContentType.objects.filter(app_label=new, model=model).delete()
            ContentType.objects.filter(app_label=old, model=model).update(app_label=new)
    for model in LOGGED:
        AccessLog.objects.filter(object_type=f"{old}.{model}").update(object_type=f"{new}.{model}")


def forwards(apps, schema_editor):
    relabel(apps, "support_team", "transfers")


def backwards(apps, schema_editor):
    relabel(apps, "transfers", "support_team")


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("support_team", "0006_transfer_packets"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            # TransferPacket's included_notes table is renamed with it (auto-created); the
            # history of that relation is a model of its own, renamed like the others.
            database_operations=[
                migrations.AlterModelTable(name=model, table=f"transfers_{model}")
                for model in MODELS
            ],
            state_operations=[migrations.DeleteModel(name=model) for model in MODELS],
        ),
        migrations.RunPython(forwards, backwards, elidable=False),
    ]
