"""What a resource page says in words: who it is for, whether it is open now on the district's
clock (openings past midnight, closed days, no hours known) and how fresh the entry is."""

import datetime
from types import SimpleNamespace

import pytest
from django.test import override_settings
from django.utils import timezone

from community_links import facts

T = datetime.time


def at(y, m, d, hh, mm=0) -> datetime.datetime:
    """A moment on the site's clock (TIME_ZONE)."""
    return timezone.make_aware(datetime.datetime(y, m, d, hh, mm))


# 4 March 2026 is a Wednesday.
WED_1030 = at(2026, 3, 4, 10, 30)


def rule(byday, opens, closes, *, freq="WEEKLY", description="", valid_from=None, valid_to=None):
    return SimpleNamespace(
        byday=byday,
        opens_at=opens,
        closes_at=closes,
        freq=freq,
        description=description,
        valid_from=valid_from,
        valid_to=valid_to,
    )


@pytest.mark.parametrize(
    ("low", "high", "words"),
    [
        (None, None, "All ages"),
        (0, 120, "All ages"),
        (0, 100, "All ages"),
        (0, None, "All ages"),
        (5, 18, "Ages 5 to 18"),
        (18, None, "Adults 18 and over"),
        (18, 120, "Adults 18 and over"),
        (12, 100, "Ages 12 and over"),
        (None, 5, "Up to age 5"),
        (0, 17, "Up to age 17"),
        (2.5, 4, "Ages 2.5 to 4"),
    ],
)
def test_eligibility_is_said_in_words_never_ages_0_to_120(low, high, words):
    assert facts.eligibility_words(low, high) == words


def test_grades_are_said_in_words():
    assert facts.grade_words("", "") == ""
    assert facts.grade_words("06", "08") == "Grades 06 to 08"
    assert facts.grade_words("KG", "") == "Grade KG and up"
    assert facts.grade_words("", "05") == "Up to grade 05"


def test_open_now_inside_an_opening_says_until_when():
    hours = facts.hours_for([rule("MO,TU,WE,TH,FR", T(9), T(17))], now=WED_1030)
    assert hours.open_now is True
    assert hours.status_words == "Open now, until 17:00"
    assert hours.today == ["09:00–17:00"]


def test_closed_now_before_opening_and_on_a_closed_day():
    weekdays = [rule("MO,TU,WE,TH,FR", T(11), T(17))]
    assert facts.hours_for(weekdays, now=WED_1030).status_words == "Closed now"
    saturday = at(2026, 3, 7, 12)
    hours = facts.hours_for(weekdays, now=saturday)
    assert hours.open_now is False
    assert hours.today == []
    assert [spans for _day, spans, _today in hours.week][5] == []


def test_closing_time_itself_is_closed():
    hours = facts.hours_for([rule("WE", T(9), T(10, 30))], now=WED_1030)
    assert hours.open_now is False


def test_an_opening_past_midnight_is_open_late_and_early_next_day():
    friday_night = [rule("FR", T(22), T(2))]
    assert facts.hours_for(friday_night, now=at(2026, 3, 6, 23, 30)).open_now is True
    early_saturday = facts.hours_for(friday_night, now=at(2026, 3, 7, 1, 30))
    assert early_saturday.open_now is True
    assert early_saturday.status_words == "Open now, until 02:00"
    assert facts.hours_for(friday_night, now=at(2026, 3, 7, 2, 0)).open_now is False
    # Thursday night: the Friday rule has not started, and Wednesday had none to run over.
    assert facts.hours_for(friday_night, now=at(2026, 3, 5, 1, 0)).open_now is False
    assert facts.hours_for(friday_night, now=at(2026, 3, 6, 21, 59)).open_now is False


def test_an_opening_past_midnight_on_sunday_runs_into_monday():
    sunday_night = [rule("SU", T(20), T(1))]
    assert facts.hours_for(sunday_night, now=at(2026, 3, 9, 0, 30)).open_now is True


def test_no_hours_known_is_neither_open_nor_closed():
    for schedules in (
        [],
        [rule("", None, None, freq="", description="By appointment")],
        [rule("MO", T(9), T(17), freq="MONTHLY")],
        # The HSDS sample's rule ran out in 2005: it says nothing about today.
        [
            rule(
                "WE",
                T(9),
                T(17),
                valid_from=datetime.date(2005, 1, 1),
                valid_to=datetime.date(2005, 1, 1),
            )
        ],
    ):
        hours = facts.hours_for(schedules, now=WED_1030)
        assert hours.open_now is None
        assert hours.status_words == "Hours not known"
    notes = facts.hours_for([rule("", None, None, freq="", description="By appointment")])
    assert notes.notes == ["By appointment"]


def test_a_rule_not_yet_valid_is_not_open():
    later = rule("WE", T(9), T(17), valid_from=datetime.date(2026, 4, 1))
    assert facts.hours_for([later], now=WED_1030).open_now is None


@override_settings(TIME_ZONE="America/Los_Angeles")
def test_open_now_reads_the_districts_clock_not_utc():
    # 17:30 UTC on a Wednesday is 09:30 in Los Angeles: open for a 9-to-5 service.
    now = datetime.datetime(2026, 3, 4, 17, 30, tzinfo=datetime.UTC)
    with timezone.override("UTC"):
        assert facts.hours_for([rule("WE", T(9), T(17))], now=now).open_now is True
        assert facts.hours_for([rule("WE", T(17), T(18))], now=now).open_now is False


def test_last_checked_in_words_and_plain_when_never_or_old():
    today = datetime.date(2026, 3, 10)
    recent = facts.verified_words(datetime.date(2026, 3, 3), today=today)
    assert recent.words == "Last checked 3 March 2026"
    assert not recent.stale
    old = facts.verified_words(datetime.date(2024, 11, 2), today=today)
    assert old.stale
    assert "2 November 2024, more than a year ago" in old.words
    never = facts.verified_words(None, today=today)
    assert never.stale
    assert never.words.startswith("Never checked")


def test_language_names_come_from_django_or_the_publisher():
    assert facts.language_name("es") == "Spanish"
    assert facts.language_name("so") == "Somali"
    assert facts.language_name("xx", {"xx": "Made-up"}) == "Made-up"
    assert facts.language_name("xx") == "xx"
