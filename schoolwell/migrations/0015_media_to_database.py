"""What editors had uploaded to the node's disk (settings.MEDIA_ROOT: Wagtail's documents and
images) moves into the database, where the default storage now keeps it
(schoolwell/filestore.py's MediaStorage, names under "media/"). The files stay on disk."""

from pathlib import Path

from django.conf import settings
from django.db import migrations

CHUNK_BYTES = 1024 * 1024
PREFIX = "media/"


def copy_media(apps, schema_editor):
    StoredFile = apps.get_model("schoolwell", "StoredFile")
    StoredChunk = apps.get_model("schoolwell", "StoredChunk")
    root = Path(settings.MEDIA_ROOT)
    if not root.is_dir():
        return
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        name = PREFIX + path.relative_to(root).as_posix()
        if len(name) > 255 or StoredFile.objects.filter(name=name).exists():
            continue
        stored = StoredFile.objects.create(name=name, size=path.stat().st_size)
        with path.open("rb") as source:
            index = 0
            while True:
                data = source.read(CHUNK_BYTES)
                if not data and index:
                    break
                StoredChunk.objects.create(file=stored, index=index, data=data)
                index += 1
                if len(data) < CHUNK_BYTES:
                    break


def forget_media(apps, schema_editor):
    apps.get_model("schoolwell", "StoredFile").objects.filter(name__startswith=PREFIX).delete()


class Migration(migrations.Migration):
    dependencies = [("schoolwell", "0014_stored_files")]
    operations = [migrations.RunPython(copy_media, forget_media)]
