"""The shared storage's database backend: what a node writes, any node reads back whole,
a megabyte at a time."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import storages

from schoolwell.filestore import CHUNK_BYTES
from schoolwell.models import StoredChunk, StoredFile

pytestmark = pytest.mark.django_db


def test_a_file_of_several_megabytes_comes_back_whole_in_chunks():
    data = bytes(range(256)) * (CHUNK_BYTES * 2 // 256) + b"tail"
    name = storages["shared"].save("roster-uploads/a.zip", ContentFile(data))
    assert StoredChunk.objects.count() == 3
    assert storages["shared"].size(name) == len(data)
    with storages["shared"].open(name) as stored:
        assert stored.read() == data


def test_an_empty_file_and_a_taken_name_are_kept_apart():
    first = storages["shared"].save("x.zip", ContentFile(b""))
    second = storages["shared"].save("x.zip", ContentFile(b"other"))
    assert first != second and StoredFile.objects.count() == 2
    with storages["shared"].open(first) as stored:
        assert stored.read() == b""


def test_a_deleted_or_unknown_file_is_not_found():
    name = storages["shared"].save("gone.zip", ContentFile(b"data"))
    storages["shared"].delete(name)
    assert not storages["shared"].exists(name) and not StoredChunk.objects.exists()
    with pytest.raises(FileNotFoundError):
        storages["shared"].open(name)
