"""Malformed and oversized check-ins are refused and save nothing, unless they signal risk (a
safety box ticked, a risk phrase in the words): those are saved all the same. Whatever a
student's browser (or anything else) posts, the page never answers with a server error.

Each example breaks none, one or two fields of an otherwise ordinary check-in, and the test
knows whether Django should accept the result, so the property is exact: accepted data makes
one report and a redirect; refused data re-renders the form with an error and writes no
SelfReport, SelfReportRequest, Intake or timeline row."""

import uuid
from urllib.parse import urlencode

import pytest
from django.core.cache import cache
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from schoolwell.models import Service
from self_report.models import OWN_WORDS_MAX, SelfReport, SelfReportRequest
from self_report.services import risk_in_words
from support_team.models import Intake, TimelineEntry

MISSING = object()  # the field is left out of the post
FORM = "application/x-www-form-urlencoded"
WELLBEING = ("1", "2", "3", "4", "5")
ANSWERS = ("yes", "sometimes", "no")
TALK_WHEN = ("today", "week", "whenever")
TALK_WITH = ("any", "counselor", "nurse", "social_worker")
FIELDS = (
    "wellbeing",
    "sleep",
    "eating",
    "trusted_adult",
    "services",
    "talk_when",
    "talk_with",
    "own_words",
    "idempotency_key",
)
TICKS = ("hurting_self", "unsafe_at_home")
# Any code point, NUL and lone surrogates included.
ODD_TEXT = st.text(alphabet=st.characters(codec=None, exclude_categories=()), max_size=40)
ODD_WORDS = ["\ud800", "a\udfffb", "\u202eevil", "e\u0301" * 1000, "\ufeff", "\uffff", "😞" * 2000]


def decoded(value: str) -> str:
    """What Django reads back: lone surrogates travel as invalid UTF-8 and become U+FFFD."""
    return value.encode("utf-8", "surrogatepass").decode("utf-8", "replace")


def choice_strategies(values, *, required=False):
    """(accepted, refused) strategies for a radio group."""
    empty = st.sampled_from([MISSING, ""])
    accepted = st.sampled_from(values) if required else st.one_of(st.sampled_from(values), empty)
    refused = st.one_of(
        ODD_TEXT.filter(lambda s: s and decoded(s) not in values),
        st.sampled_from(values).map(lambda v: f" {v}"),
        st.sampled_from(values).map(str.upper).filter(lambda v: v not in values),
        st.sampled_from(["None", "null", "[]", "0", "-1", "9" * 40, "' OR 1=1 --"]),
    )
    return accepted, st.one_of(refused, empty) if required else refused


def own_words_ok(value) -> bool:
    if value is MISSING:
        return True
    text = decoded(value)
    return "\x00" not in text and len(text.strip()) <= OWN_WORDS_MAX


def ticked(value: str) -> bool:
    """Whether Django's CheckboxInput reads this value as a tick: anything but "" or "false"."""
    text = decoded(value)
    return text != "" and text.lower() != "false"


def key_ok(value) -> bool:
    """Any key is accepted: a missing or broken one is replaced (it only loses double-submit
    protection for that one submit; refusing it would leave a page that can never be sent)."""
    return True


def strategies(english: list[int], spanish: list[int]) -> dict[str, tuple]:
    def bad_service():
        return st.one_of(
            st.sampled_from(spanish),  # the Spanish catalogue while the page is English
            # Within 64 bits: beyond, see test_a_service_id_too_big_for_the_database_...
            st.integers(-(2**63), 2**63 - 1).filter(lambda pk: pk not in english),
            st.sampled_from([0, -1, 2**31, 2**63 - 1, -(2**63)]),
            st.sampled_from(english).map(lambda pk: f"0{pk}"),
            st.sampled_from(english).map(lambda pk: f" {pk}"),
            ODD_TEXT.filter(lambda s: not s.isdigit()),
        ).map(str)

    good_service = st.sampled_from(english).map(str)
    return {
        "wellbeing": choice_strategies(WELLBEING, required=True),
        "sleep": choice_strategies(ANSWERS),
        "eating": choice_strategies(ANSWERS),
        "trusted_adult": choice_strategies(ANSWERS),
        "services": (
            st.lists(good_service, max_size=4),
            st.tuples(st.lists(good_service, max_size=2), st.lists(bad_service(), min_size=1))
            .map(lambda t: t[0] + t[1])
            .flatmap(st.permutations),
        ),
        "talk_when": choice_strategies(TALK_WHEN),
        "talk_with": choice_strategies(TALK_WITH),
        "own_words": (
            st.one_of(
                st.just(MISSING),
                st.text(max_size=300),
                ODD_TEXT.map(lambda s: s.replace("\x00", "")),
                st.sampled_from(ODD_WORDS),
                st.just("x" * OWN_WORDS_MAX),
                st.just(" " * 50 + "x" * OWN_WORDS_MAX + "\n" * 50),  # stripped first
            ),
            st.one_of(
                st.text(min_size=1, max_size=5).flatmap(
                    lambda chunk: st.integers(OWN_WORDS_MAX + 1, OWN_WORDS_MAX * 3).map(
                        lambda n: (chunk * n)[:n]
                    )
                ),
                st.tuples(st.text(max_size=20), st.text(max_size=20)).map(
                    lambda p: f"{p[0]}\x00{p[1]}"
                ),
                st.just("x" * (OWN_WORDS_MAX + 1)),
            ),
        ),
        "idempotency_key": (
            st.one_of(
                st.uuids().map(str),
                st.uuids().map(lambda u: u.hex.upper()),
                st.uuids().map(lambda u: f"{{{u}}}"),
            ),
            st.one_of(
                st.sampled_from([MISSING, "", "null", "0"]),
                ODD_TEXT,
                st.uuids().map(lambda u: f"{u}x"),
                st.uuids().map(lambda u: str(u)[:-1]),
                st.uuids().map(lambda u: f"{u}\x00"),
            ),
        ),
    }


@st.composite
def submissions(draw, english: list[int], spanish: list[int]):
    """A post body (a list of pairs; services repeat) and whether Django should accept it."""
    broken = draw(st.sets(st.sampled_from(FIELDS), max_size=2))
    options = strategies(english, spanish)
    values = {name: draw(options[name][name in broken]) for name in FIELDS}
    accepted = not (broken - {"own_words", "idempotency_key"})
    accepted &= own_words_ok(values["own_words"]) and key_ok(values["idempotency_key"])
    if values["talk_with"] not in (MISSING, "") and values["talk_when"] in (MISSING, ""):
        accepted = False  # "who" without "when" is asked again
    pairs = [(name, v) for name, v in values.items() if name != "services" and v is not MISSING]
    pairs += [("services", pk) for pk in values["services"]]
    risk = values["own_words"] is not MISSING and risk_in_words(decoded(values["own_words"]))
    for name in TICKS:  # any value is a tick or not: never wrong
        tick = draw(st.one_of(st.just(MISSING), st.just("on"), ODD_TEXT))
        if tick is not MISSING:
            pairs.append((name, tick))
            risk |= ticked(tick)
    # A check-in that signals risk is saved whatever else is wrong with it (its valid parts).
    accepted |= risk
    if draw(st.booleans()):  # a field nobody asked for
        name = draw(st.text(max_size=10).filter(lambda n: n not in (*FIELDS, *TICKS)))
        pairs.append((name, "x"))
    return draw(st.permutations(pairs)), accepted


def body(pairs) -> str:
    """URL-encoded by hand: the test client cannot encode lone surrogates as UTF-8, so they
    are sent the way a broken client would (invalid UTF-8 bytes)."""
    return urlencode(pairs, encoding="utf-8", errors="surrogatepass")


def writes() -> tuple[int, int, int, int]:
    return (
        SelfReport.objects.count(),
        SelfReportRequest.objects.count(),
        Intake.objects.count(),
        TimelineEntry.objects.count(),
    )


def forget_earlier_examples():
    """Rows a valid example made, and the per-student rate limit (5 an hour, in the cache)."""
    Intake.objects.all().delete()
    TimelineEntry.objects.all().delete()
    SelfReport.objects.all().delete()  # its requests go with it
    cache.clear()


@pytest.mark.django_db
def test_whatever_is_posted_there_is_no_server_error_and_refusals_save_nothing(
    client, check_in_page, pupil
):
    user, _student = pupil
    client.force_login(user)
    english = list(Service.objects.filter(locale__language_code="en").values_list("pk", flat=True))
    spanish = list(Service.objects.filter(locale__language_code="es").values_list("pk", flat=True))
    assert english and spanish
    seen = {True: 0, False: 0}

    @settings(
        max_examples=60,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(submissions(english, spanish))
    def post(submission):
        pairs, accepted = submission
        forget_earlier_examples()
        response = client.post("/self-report/", body(pairs), content_type=FORM)
        assert response.status_code in (200, 302)
        if accepted:
            assert response.status_code == 302, response.context["form"].errors
            assert response["Location"].startswith("/check-in/sent/")
            assert SelfReport.objects.count() == 1
        else:
            assert response.status_code == 200
            assert response.context["form"].errors, "refused without a reason"
            assert writes() == (0, 0, 0, 0)
        seen[accepted] += 1

    post()
    print(f"\naccepted {seen[True]}, refused {seen[False]}")
    assert seen[True] and seen[False], seen  # both sides of the property were exercised


@pytest.mark.django_db
def test_a_body_over_djangos_upload_limit_is_refused_not_an_error(client, check_in_page, pupil):
    user, _student = pupil
    client.force_login(user)
    pairs = [("wellbeing", "3"), ("idempotency_key", str(uuid.uuid4()))]
    response = client.post(
        "/self-report/", body([*pairs, ("own_words", "x" * 3_000_000)]), content_type=FORM
    )
    assert response.status_code == 400
    assert writes() == (0, 0, 0, 0)


def ordinary(**overrides) -> dict:
    data = {"wellbeing": "3", "idempotency_key": str(uuid.uuid4()), "talk_when": ""}
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not MISSING}


def spanish_food() -> str:
    return str(Service.objects.get(locale__language_code="es", name="Comida").pk)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "overrides",
    [
        pytest.param({"wellbeing": MISSING}, id="no-wellbeing"),
        pytest.param({"wellbeing": "6"}, id="wellbeing-out-of-range"),
        pytest.param({"wellbeing": "three"}, id="wellbeing-not-a-number"),
        pytest.param({"sleep": "maybe"}, id="sleep-garbage"),
        pytest.param({"talk_when": "tomorrow"}, id="talk-when-garbage"),
        pytest.param({"talk_with": "the head"}, id="talk-with-garbage"),
        pytest.param({"talk_with": "nurse"}, id="who-without-when"),
        pytest.param({"own_words": "x" * (OWN_WORDS_MAX + 1)}, id="own-words-oversized"),
        pytest.param({"own_words": "help\x00me"}, id="own-words-nul"),
        pytest.param({"services": ["spanish"]}, id="service-of-the-other-language"),
        pytest.param({"services": ["987654"]}, id="service-that-does-not-exist"),
    ],
)
def test_a_refused_check_in_says_why_and_saves_nothing(client, check_in_page, pupil, overrides):
    user, _student = pupil
    client.force_login(user)
    if overrides.get("services") == ["spanish"]:
        overrides["services"] = [spanish_food()]
    response = client.post("/self-report/", ordinary(**overrides))
    assert response.status_code == 200
    assert response.context["form"].errors
    assert writes() == (0, 0, 0, 0)
    html = response.content.decode()
    shown = [str(e) for errors in response.context["form"].errors.values() for e in errors]
    assert any(message.replace("'", "&#x27;") in html for message in shown), (
        f"refused ({shown}) but the page shows no message"
    )


@pytest.mark.django_db
@pytest.mark.parametrize("pk", [str(2**63), str(-(2**63) - 1), "9" * 30])
def test_a_service_id_too_big_for_the_database_is_refused_not_an_error(
    client, check_in_page, pupil, pk
):
    user, _student = pupil
    client.force_login(user)
    response = client.post("/self-report/", ordinary(services=[pk]))
    assert response.status_code == 200
    assert writes() == (0, 0, 0, 0)


@pytest.mark.django_db
def test_a_key_another_student_already_used_is_not_a_server_error(
    client, check_in_page, pupil, school_a
):
    from schoolwell.models import Role
    from tests.factories import enrolled_student, member

    user, _student = pupil
    other = member(Role.STUDENT, school=school_a)
    enrolled_student(school_a, user=other)
    key = str(uuid.uuid4())
    client.force_login(other)
    assert client.post("/self-report/", ordinary(idempotency_key=key)).status_code == 302
    client.force_login(user)
    response = client.post("/self-report/", ordinary(idempotency_key=key))
    assert response.status_code == 302  # saved under a fresh key, not mixed up with theirs
    assert SelfReport.objects.filter(student__user=user).count() == 1
    assert SelfReport.objects.filter(student__user=other).count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("key", [MISSING, "", "not-a-uuid", "abc\x00def"])
def test_a_missing_or_broken_key_still_sends_the_check_in(client, check_in_page, pupil, key):
    user, _student = pupil
    client.force_login(user)
    response = client.post("/self-report/", ordinary(idempotency_key=key))
    assert response.status_code == 302
    assert SelfReport.objects.count() == 1
