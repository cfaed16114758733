"""The publication rule, proved over random counts (hypothesis): a count about fewer students
than the threshold is never a number, whatever its records; every other count is published
with an adjustment of at most 3 that never takes it below the threshold, the same for the same
records, different under another secret; the adjustment is zero-mean away from the threshold."""

import collections

import pytest
from django.test.utils import override_settings
from hypothesis import given
from hypothesis import strategies as st

from schoolwell.trends import cellkey
from schoolwell.trends.suppression import shown
from schoolwell.trends.tally import Count

TAGS = st.sampled_from(["concerns", "requests", "mentions", "intakes", "cases"])


@st.composite
def counts(draw):
    threshold = draw(st.integers(5, 12))
    students = draw(st.integers(0, 40))
    n = 0 if not students else draw(st.integers(students, students * 12))
    ids = draw(st.integers(0, 2**40))
    return Count(tag=draw(TAGS), n=n, ids=ids, low=students, high=students), threshold


@given(counts())
def test_a_count_about_fewer_students_than_the_threshold_is_never_a_number(drawn):
    count, threshold = drawn
    text, value = shown(count, threshold)
    if 1 <= count.low < threshold:
        assert (text, value) == (f"<{threshold}", None)  # eleven requests of one student too
    elif count.n == 0:
        assert (text, value) == ("0", 0)
    else:
        assert value is not None and text == str(value)


@given(counts())
def test_a_published_count_is_at_least_the_threshold_and_within_three_of_the_truth(drawn):
    count, threshold = drawn
    _text, value = shown(count, threshold)
    if value:
        assert value >= threshold
        assert abs(value - count.n) <= cellkey.SPREAD


@given(counts(), st.text(min_size=1, max_size=20))
def test_the_same_records_are_always_published_the_same(drawn, secret):
    count, threshold = drawn
    with override_settings(TRENDS_NOISE_SECRET=secret):
        assert shown(count, threshold) == shown(Count(**vars(count)), threshold)


def test_another_secret_or_another_record_gives_another_adjustment():
    cells = [(n, ids) for n in range(20, 60) for ids in range(1000, 1100, 7)]
    with override_settings(TRENDS_NOISE_SECRET="one"):
        one = [cellkey.adjustment("concerns", ids, n, 10) for n, ids in cells]
        shifted = [cellkey.adjustment("concerns", ids + 1, n, 10) for n, ids in cells]
    with override_settings(TRENDS_NOISE_SECRET="two"):
        two = [cellkey.adjustment("concerns", ids, n, 10) for n, ids in cells]
    for other in (two, shifted):
        agree = sum(a == b for a, b in zip(one, other, strict=True)) / len(cells)
        assert agree < 0.3  # independent draws agree with probability 0.195


def test_the_adjustment_follows_the_table_and_is_zero_mean_away_from_the_threshold():
    with override_settings(TRENDS_NOISE_SECRET="distribution"):
        steps = [cellkey.adjustment("concerns", ids, 50, 10) for ids in range(20000)]
    assert abs(sum(steps) / len(steps)) < 0.05
    seen = collections.Counter(steps)
    for step, weight in cellkey.WEIGHTS.items():
        assert abs(seen[step] / len(steps) - weight / 100) < 0.015, step


def test_near_the_threshold_the_adjustment_only_keeps_the_count_at_or_above_it():
    with override_settings(TRENDS_NOISE_SECRET="edge"):
        steps = {cellkey.adjustment("concerns", ids, 10, 10) for ids in range(2000)}
    assert steps == {0, 1, 2, 3}


def test_zero_is_published_as_it_is_and_the_rule_refuses_to_guess():
    assert shown(Count(tag="concerns"), 10) == ("0", 0)
    with pytest.raises(ValueError):  # students only bounded across the threshold
        shown(Count(tag="concerns", n=30, ids=5, low=4, high=12), 10)
    with pytest.raises(ValueError):
        shown(Count(tag="concerns", n=30, ids=5, low=30, high=30), 1)
