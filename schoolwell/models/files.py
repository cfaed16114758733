"""Files more than one process may need, kept in the database so that whichever node took
an upload, a task worker on any other node can read it (schoolwell/filestore.py)."""

from django.db import models


class StoredFile(models.Model):
    name = models.CharField(max_length=255, unique=True)
    size = models.PositiveBigIntegerField(default=0)
    created = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name


class StoredChunk(models.Model):
    """A file is written and read a megabyte at a time: a 200 MB roster bundle never sits
    whole in one process's memory."""

    file = models.ForeignKey(StoredFile, on_delete=models.CASCADE, related_name="chunks")
    index = models.PositiveIntegerField()
    data = models.BinaryField()

    class Meta:
        ordering = ["index"]
        constraints = [models.UniqueConstraint(fields=["file", "index"], name="stored_chunk_once")]

    def __str__(self) -> str:
        return f"{self.file_id}:{self.index}"
