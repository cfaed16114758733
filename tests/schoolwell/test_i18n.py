import gettext
import re
from pathlib import Path

import pytest
from django.urls import reverse

from schoolwell.models import Role
from tests.factories import member

PO = Path(__file__).resolve().parents[2] / "locale" / "es" / "LC_MESSAGES" / "django.po"


@pytest.mark.django_db
def test_the_language_switcher_changes_the_page_to_spanish(client, school_a):
    client.force_login(member(Role.DISTRICT_ANALYST, district=school_a.district))
    assert "Sign out" in client.get(reverse("home")).content.decode()
    response = client.post(reverse("set_language"), {"language": "es", "next": reverse("home")})
    assert response.status_code == 302
    page = client.get(reverse("home")).content.decode()
    assert 'lang="es"' in page
    assert "Cerrar sesión" in page


@pytest.mark.django_db
def test_the_browser_language_is_honoured(client):
    page = client.get(reverse("account_login"), headers={"accept-language": "es"}).content.decode()
    assert "Saltar al contenido principal" in page


def test_every_message_has_a_spanish_translation():
    entries = re.findall(r'msgid ((?:".*"\n)+)msgstr ((?:".*"\n)+)', PO.read_text())
    untranslated = [msgid for msgid, msgstr in entries[1:] if msgstr.strip() == '""']
    assert untranslated == []


def test_the_compiled_catalogue_matches_the_source():
    with PO.with_suffix(".mo").open("rb") as mo:
        catalogue = gettext.GNUTranslations(mo)
    for msgid, msgstr in re.findall(r'^msgid "(.+)"\nmsgstr "(.+)"$', PO.read_text(), re.M):
        unescape = lambda s: s.encode().decode("unicode_escape").encode("latin-1").decode()  # noqa: E731
        assert catalogue.gettext(unescape(msgid)) == unescape(msgstr), "run make messages"
