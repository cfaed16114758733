"""Legacy spreadsheet import pages (being written)."""

from django.http import Http404


def concern_import(request):
    raise Http404


def concern_import_detail(request, pk):
    raise Http404
