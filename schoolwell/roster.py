"""OneRoster 1.1/1.2 CSV import (being written)."""


def import_upload(upload, *, started_by):
    raise NotImplementedError
