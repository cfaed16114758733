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


def test_every_plural_message_is_spanish_for_every_count():
    """Spanish has three plural forms in Django's catalogues (one, a million and more, the
    rest); an entry with two left every count above one in English ("2 school days left" on a
    Spanish queue)."""
    with PO.with_suffix(".mo").open("rb") as mo:
        catalogue = gettext.GNUTranslations(mo)
    unescape = lambda s: s.encode().decode("unicode_escape").encode("latin-1").decode()  # noqa: E731
    plurals = 0
    for entry in PO.read_text().split("\n\n"):
        fields = {}  # keyword -> its text, continuation lines joined
        for keyword, text in re.findall(
            r'^(msgid|msgid_plural|msgstr\[\d\]) ((?:".*"\n?)+)', entry, re.M
        ):
            fields[keyword] = unescape("".join(re.findall(r'"(.*)"', text)))
        if "msgid_plural" not in fields:
            continue
        plurals += 1
        spanish = {text for keyword, text in fields.items() if keyword.startswith("msgstr")}
        for n in (1, 2, 5, 1_000_000):
            got = catalogue.ngettext(fields["msgid"], fields["msgid_plural"], n)
            assert got in spanish, (fields["msgid"], n)
    assert plurals == PO.read_text().count("\nmsgid_plural ")


@pytest.mark.django_db
def test_a_spanish_queue_row_counts_in_spanish(client, school_a):
    from support_team.services import intake_open
    from tests.factories import enrolled_student

    student = enrolled_student(school_a)
    for summary in ("Quiet in class", "Missed lunch"):
        intake_open(school=school_a, student=student, source="staff_note", summary=summary)
    client.force_login(member(Role.SUPPORT, school=school_a, discipline="counselor"))
    page = client.get(reverse("support_team:queue"), headers={"accept-language": "es"})
    text = page.content.decode()
    assert "2 elementos abiertos" in text and "open items" not in text
    assert "días lectivos" in text and "school days left" not in text
