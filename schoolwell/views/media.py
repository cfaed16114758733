"""What editors upload in the CMS is kept in the database (schoolwell/filestore.py), so any
node serves it. This view serves the image renditions Wagtail links to (its thumbnails, a
page's images): public, as Wagtail's media always is, and like every page never cached
(schoolwell/middleware.py). Documents are not served here: Wagtail's own view serves them
after checking their collection's privacy."""

import mimetypes
import posixpath

from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest
from django.views.decorators.http import require_GET

from schoolwell.filestore import RENDITIONS

# Raster formats only: an SVG is a document that can run script on this origin.
IMAGE_TYPES = {"image/png", "image/jpeg", "image/gif", "image/webp", "image/avif"}


@require_GET
def media(request: HttpRequest, name: str) -> FileResponse:
    content_type, _ = mimetypes.guess_type(name)
    if (
        posixpath.normpath(name) != name
        or not name.startswith(RENDITIONS)
        or content_type not in IMAGE_TYPES
    ):
        raise Http404
    try:
        stored = default_storage.open(name)
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(stored, content_type=content_type)
