"""What editors upload in the CMS lives in the database, so every node serves it: a document
through Wagtail's own view, an image's renditions through /media/, and nothing else there."""

import io

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from django.core.files.storage import default_storage, storages
from PIL import Image as PillowImage
from wagtail.documents.models import Document
from wagtail.images.models import Image
from wagtail.models import Collection

from schoolwell.models import StoredChunk, StoredFile

pytestmark = pytest.mark.django_db
migration = __import__("schoolwell.migrations.0015_media_to_database", fromlist=["copy_media"])


def png_bytes(size=(40, 30)) -> bytes:
    out = io.BytesIO()
    PillowImage.new("RGB", size, (200, 30, 30)).save(out, "PNG")
    return out.getvalue()


def root_collection() -> Collection:
    """Wagtail's migration makes it; a transactional test before this one may have emptied
    the tables."""
    return Collection.get_first_root_node() or Collection.add_root(name="Root")


def uploaded_document(text: bytes = b"Open weekdays 9 to 5.") -> Document:
    file = ContentFile(text, name="hours.txt")
    return Document.objects.create(title="Hours", file=file, collection=root_collection())


def uploaded_image() -> Image:
    file = ImageFile(io.BytesIO(png_bytes()), name="map.png")
    return Image.objects.create(title="Map", file=file, collection=root_collection())


def test_a_document_is_kept_in_the_database_and_served_by_wagtails_view(client):
    document = uploaded_document()
    assert StoredFile.objects.filter(name=f"media/{document.file.name}").exists()
    response = client.get(document.url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"Open weekdays 9 to 5."


def test_an_image_rendition_is_served_from_the_database_under_media(client):
    image = uploaded_image()
    rendition = image.get_rendition("max-20x20")
    assert rendition.url.startswith("/media/images/")
    response = client.get(rendition.url)
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    served = PillowImage.open(io.BytesIO(b"".join(response.streaming_content)))
    assert served.size == (20, 15)


def test_media_serves_renditions_only(client):
    image = uploaded_image()
    document = uploaded_document()
    shared = storages["shared"].save("roster-uploads/bundle.zip", ContentFile(b"PK"))
    default_storage.save("images/page.svg", ContentFile(b"<svg onload='alert(1)'/>"))
    for name in (
        image.file.name,  # the original
        document.file.name,  # private unless its collection says otherwise: Wagtail's view
        shared,
        "images/page.svg",  # runs script on this origin
        f"images/../{document.file.name}",
        "images/missing.png",
    ):
        assert client.get(f"/media/{name}").status_code == 404, name
    rendition = image.get_rendition("max-20x20")
    assert client.post(rendition.url).status_code == 405


def test_a_storage_prefix_keeps_media_and_shared_files_apart():
    default_storage.save("roster-uploads/same.zip", ContentFile(b"media"))
    assert not storages["shared"].exists("roster-uploads/same.zip")
    assert StoredFile.objects.get().name == "media/roster-uploads/same.zip"


def test_the_migration_moves_what_was_on_disk_into_the_database(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    (tmp_path / "documents").mkdir()
    (tmp_path / "documents" / "hours.txt").write_bytes(b"x" * (1024 * 1024 + 5))
    (tmp_path / "documents" / "empty.txt").write_bytes(b"")
    migration.copy_media(apps, None)
    migration.copy_media(apps, None)  # twice: nothing doubled
    assert StoredFile.objects.count() == 2 and StoredChunk.objects.count() == 3
    with default_storage.open("documents/hours.txt") as moved:
        assert moved.read() == b"x" * (1024 * 1024 + 5)
    assert default_storage.size("documents/empty.txt") == 0
