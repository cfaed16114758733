"""The `shared` storage (settings.STORAGES): where a file goes that a process on another node
may have to read, such as a roster upload the web node took and a task worker imports. By
default the database (no new server); a district with object storage sets SHARED_STORAGE=s3
and django-storages keeps the same files in its bucket.

The `default` storage (what editors upload in the CMS: Wagtail's documents and images) is the
database too, through MediaStorage, so any node serves what an editor uploaded on another."""

from __future__ import annotations

import tempfile
from typing import IO, Any

from django.core.files import File
from django.core.files.storage import Storage
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse

from schoolwell.models import StoredChunk, StoredFile

CHUNK_BYTES = 1024 * 1024
SPOOL_BYTES = 8 * 1024 * 1024  # a file read back spills to a temporary file past this


class DatabaseStorage(Storage):
    """`prefix` keeps one storage's names apart from another's in the same table."""

    def __init__(self, prefix: str = "") -> None:
        self.prefix = prefix

    def _stored(self, name: str) -> QuerySet[StoredFile]:
        return StoredFile.objects.filter(name=self.prefix + name)

    def _save(self, name: str, content: File) -> str:
        with transaction.atomic():
            stored = StoredFile.objects.create(name=self.prefix + name)
            index, size, buffer = 0, 0, bytearray()
            for piece in content.chunks(CHUNK_BYTES):
                buffer += piece
                while len(buffer) >= CHUNK_BYTES:
                    StoredChunk.objects.create(
                        file=stored, index=index, data=bytes(buffer[:CHUNK_BYTES])
                    )
                    del buffer[:CHUNK_BYTES]
                    index += 1
                size += len(piece)
            if buffer or index == 0:
                StoredChunk.objects.create(file=stored, index=index, data=bytes(buffer))
            stored.size = size
            stored.save(update_fields=["size"])
        return name

    def _open(self, name: str, mode: str = "rb") -> File:
        stored = self._stored(name).first()
        if stored is None:
            raise FileNotFoundError(name)
        # Handed to the caller inside the File, which closes it.
        spool: IO[bytes] = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115
        pieces = stored.chunks.order_by("index").values_list("data", flat=True)
        for data in pieces.iterator(chunk_size=4):  # a few megabytes per fetch
            spool.write(bytes(data))
        spool.seek(0)
        return File(spool, name=name)

    def exists(self, name: str) -> bool:
        return self._stored(name).exists()

    def delete(self, name: str) -> None:
        self._stored(name).delete()

    def size(self, name: str) -> int:
        return self._stored(name).values_list("size", flat=True).get()

    def url(self, name: Any) -> str:
        raise NotImplementedError("shared files are read by the server, never linked")


# Wagtail writes the renditions it shows (thumbnails in the CMS, images on pages) here.
# Originals ("original_images/") and documents ("documents/") are never linked: documents go
# through Wagtail's own view, which checks their collection's privacy.
RENDITIONS = "images/"


class MediaStorage(DatabaseStorage):
    def url(self, name: Any) -> str:
        if not str(name).startswith(RENDITIONS):
            return super().url(name)
        return reverse("media", args=[name])
