"""Links that leave the site (e-mails, signed partner links) start with SITE_URL, the
server's configured public address: never with the Host header of whichever request
happened to trigger the mail, which behind a proxy, or from a forged header, is not it."""

from urllib.parse import urlsplit

from django.conf import settings


def absolute(path: str) -> str:
    """SITE_URL + an absolute path ("/team/queue/"), or the path part of a full URL that
    something else built from a request."""
    bits = urlsplit(path)
    rest = bits.path or "/"
    if bits.query:
        rest += f"?{bits.query}"
    if bits.fragment:
        rest += f"#{bits.fragment}"
    return f"{settings.SITE_URL}{rest}"


class PublicSite:
    """What allauth's mail templates read as `current_site` (a name and a domain): without
    django.contrib.sites it would be the request's Host."""

    name = "SchoolWell"

    @property
    def domain(self) -> str:
        return urlsplit(settings.SITE_URL).netloc

    def __str__(self) -> str:
        return self.domain
