"""Reads of the live queue and the intake page: the rows (grouped by student, filtered by URL
parameters), the categories each row shows, and who has each item open (presence)."""

import datetime
import json
from dataclasses import dataclass

from django.db.models import Case as SqlCase
from django.db.models import (
    CharField,
    Count,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Concat
from django.urls import reverse

from schoolwell.models import Category, Service, User
from support_team.models import Case, Intake, TimelineEntry
from support_team.selectors import time_left
from support_team.selectors.presence import viewers_of

QUEUE_PAGE_SIZE = 100


@dataclass(frozen=True)
class QueueFilters:
    """What the queue is narrowed to (URL parameters; an empty value means no narrowing)."""

    school: int | None = None
    urgency: int | None = None
    source: str = ""
    unclaimed: bool = False


def _filtered(user: User, filters: QueueFilters) -> QuerySet[Intake]:
    intakes = Intake.objects.visible_to(user).exclude(status=Intake.Status.CLOSED)
    if filters.school is not None:
        intakes = intakes.filter(school_id=filters.school)
    if filters.urgency is not None:
        intakes = intakes.filter(urgency=filters.urgency)
    if filters.source:
        intakes = intakes.filter(source=filters.source)
    if filters.unclaimed:
        intakes = intakes.filter(claimed_by__isnull=True)
    return intakes


def _link_parts(name: str) -> tuple[str, str]:
    """A URL with one id, around that id ("/concerns/", "/"): reversed once, then joined per
    row (reversing four links on each of a page's 100 rows was a tenth of its time)."""
    marker = "987654321"
    before, after = reverse(name, args=[marker]).split(marker)
    return before, after


def _concern_link_parts() -> tuple[str, str]:
    """The concern page's URL: the chronology line of a concern links there, which is how a
    queue row finds that concern's categories without reading the concerns app."""
    return _link_parts("concerns:detail")


# Each row's links, by the attribute the row template reads.
ROW_LINKS = {
    "student_url": ("support_team:student", "student_id"),
    "intake_url": ("support_team:intake", "pk"),
    "claim_url": ("support_team:claim", "pk"),
    "release_url": ("support_team:release", "pk"),
}


def _groups(intakes: QuerySet[Intake], *, limit: int | None) -> list[dict]:
    """The groups of the filtered queue: one per student *and urgency*, so a student with an
    urgent and a normal item has two groups, one among the urgent items and one among the
    normal ones. Urgent groups first, then high, then normal; within an urgency, the group
    whose item is due soonest (overdue first) leads. Grouping can therefore never put an item
    below a less urgent one. Each with its figures (urgency, nearest target, items). Only as
    many groups as it takes to hold `limit` items (all of them when None)."""
    groups = (
        intakes.order_by()
        .values("urgency", "student_id")
        .annotate(target=Min("target_at"), size=Count("id"))
        .order_by("urgency", "target", "student_id")
    )
    if limit is None:
        return list(groups)
    # Every group holds at least one item, so `limit` groups always hold enough.
    taken, items = [], 0
    for group in groups[:limit]:
        taken.append(group)
        items += group["size"]
        if items >= limit:
            break
    return taken


def _ordered_rows(intakes: QuerySet[Intake], *, limit: int | None) -> list[Intake]:
    """Open intakes by urgency, then time left to target, a student's items of one urgency
    sitting together (see _groups). Three queries whatever the queue's size: the group
    figures over the filtered intakes, then the rows of the first groups only, so nothing per
    row (joins, the categories subquery) is computed for rows the page does not show, then
    the open items of the students on the page. (A window
    function over every open intake gave the same order in one query, but SQLite worked out
    each row's joins and categories before the LIMIT: 4-5x the floor at 10,000 open
    intakes; see docs/performance.md.)

    Each row also carries `source_categories` (",slug,slug," for a teacher concern, read from
    the concern's chronology line; empty otherwise), `group_urgency`, `group_target` (its
    group's figures) and `group_size` (all the student's open items under the filters, at
    every urgency, so a row says when more of theirs sit further down)."""
    groups = _groups(intakes, limit=limit)
    if not groups:
        return []
    rank = {(g["urgency"], g["student_id"]): n for n, g in enumerate(groups)}
    before, after = _concern_link_parts()
    concern_line = TimelineEntry.objects.filter(
        student_id=OuterRef("student_id"),
        school_id=OuterRef("school_id"),
        source=TimelineEntry.Source.CONCERN,
        link=Concat(Value(before), OuterRef("source_id"), Value(after), output_field=CharField()),
    ).values("categories")[:1]
    last = groups[-1]
    # Groups come urgency by urgency, so every group of a more urgent level than the last
    # one taken is on the page; of the last level, the students taken so far.
    last_level = [g["student_id"] for g in groups if g["urgency"] == last["urgency"]]
    rows = (
        intakes.filter(
            Q(urgency__lt=last["urgency"]) | Q(urgency=last["urgency"], student_id__in=last_level)
        )
        .select_related("student", "school", "claimed_by")
        .annotate(
            source_categories=SqlCase(
                When(source=Intake.Source.CONCERN, then=Subquery(concern_line)),
                default=Value(""),
                output_field=CharField(),
            ),
        )
    )
    if limit is not None:
        # The groups before the last hold fewer than `limit` items between them and all
        # show; only the last group can run past the page. Its rows come after the others,
        # in their own order, so the LIMIT cuts it and nothing else (the final order is
        # set below).
        rows = rows.order_by(
            SqlCase(
                When(urgency=last["urgency"], student_id=last["student_id"], then=Value(1)),
                default=Value(0),
            ),
            "urgency",
            "target_at",
            "pk",
        )[:limit]
    ordered = sorted(rows, key=lambda i: (rank[(i.urgency, i.student_id)], i.target_at, i.pk))
    # One grouped count for the students on the page. (As a correlated subquery per row,
    # SQLite walked the school's whole index for each of the 100 rows: 100x the work.)
    items = dict(
        intakes.filter(student_id__in={row.student_id for row in ordered})
        .order_by()
        .values("student_id")
        .annotate(n=Count("id"))
        .values_list("student_id", "n")
    )
    for row in ordered:
        group = groups[rank[(row.urgency, row.student_id)]]
        row.group_urgency = group["urgency"]
        row.group_target = group["target"]
        row.group_size = items[row.student_id]
    return ordered


def category_names() -> dict[str, str]:
    """slug -> name of every category (one small query)."""
    return dict(Category.objects.values_list("slug", "name"))


def _decorate(intakes: list[Intake], *, viewer_id: int | None) -> list[Intake]:
    """Give each row its category names, who has it open, its time left (`time_left`), its
    links, its urgency and source labels and its `rank` (data-rank: the order's figures, which
    queue_rows.js places pushed rows by), with one categories query, one cache read and one
    holidays query for the whole list. The labels and the rank are read here rather than by the
    template's `get_..._display` and `date` filters: a re-read of 100 rows took 2.07x the
    bench floor's time with those, 1.86x without (bench/queue.py --page-only).
    `viewers` names the others (the page's own person left out); `viewers_json` carries
    everyone, with ids, for a row pushed to every screen of a school (queue.js leaves each
    screen's own person out)."""
    time_left.annotate_time_left(intakes, now=time_left.clock())
    names = category_names()
    viewers = viewers_of([i.pk for i in intakes])
    links = {attr: (_link_parts(name), field) for attr, (name, field) in ROW_LINKS.items()}
    urgencies, sources = dict(Intake.Urgency.choices), dict(Intake.Source.choices)
    for intake in intakes:
        # Lazy labels, in the language the row is rendered in (live_rows renders each).
        intake.urgency_label = urgencies.get(intake.urgency, intake.urgency)
        intake.source_label = sources.get(intake.source, intake.source)
        intake.rank = "|".join(
            str(part)
            for part in (
                intake.group_urgency,
                _seconds(intake.group_target),
                intake.urgency,
                _seconds(intake.target_at),
            )
        )
        for attr, ((before, after), field) in links.items():
            setattr(intake, attr, f"{before}{getattr(intake, field)}{after}")
        slugs = [s for s in (getattr(intake, "source_categories", "") or "").split(",") if s]
        intake.category_names = [names.get(s, s) for s in slugs]
        everyone = viewers.get(intake.pk, [])
        intake.viewers = [name for uid, name in everyone if uid != viewer_id]
        intake.viewers_json = json.dumps(everyone) if everyone else ""
    return intakes


def _seconds(moment: datetime.datetime | None) -> int | str:
    return "" if moment is None else int(moment.timestamp())


def queue_rows(*, user: User, filters: QueueFilters) -> list[Intake]:
    """The first page of the queue, ready to render."""
    rows = _ordered_rows(_filtered(user, filters), limit=QUEUE_PAGE_SIZE)
    return _decorate(rows, viewer_id=user.pk)


# A screen coming back asks for what changed since its last read, less this much: a change
# is stamped when it is saved and seen when its transaction commits, and two nodes' clocks may
# differ a little. Re-sending a row costs little; missing one leaves a screen wrong.
CHANGES_MARGIN = datetime.timedelta(seconds=30)
# Past this many changed items, or this long since the last read, the whole page is cheaper.
CHANGES_LIMIT = QUEUE_PAGE_SIZE
CHANGES_WINDOW = datetime.timedelta(minutes=10)


@dataclass(frozen=True)
class QueueChanges:
    """What changed on a screen's queue since it last read it: the rows to show (every open
    row, under its filters, of each student with a changed item, so their group figures and
    order are right) and the changed items it should no longer show, with their versions."""

    rows: list[Intake]
    gone: list[dict[str, int]]


def queue_changes(
    *, user: User, filters: QueueFilters, since: datetime.datetime, now: datetime.datetime
) -> QueueChanges | None:
    """The rows changed since `since` (CHANGES_MARGIN earlier), ready to render; None when a
    whole re-read is the better answer (too long ago, or too much changed). Three queries and
    the rows' own when few changed, instead of the whole page's."""
    if since > now or now - since > CHANGES_WINDOW:
        return None
    changed = list(
        Intake.objects.visible_to(user)
        .filter(changed_at__gte=since - CHANGES_MARGIN)
        .values_list("pk", "student_id", "version")[: CHANGES_LIMIT + 1]
    )
    if len(changed) > CHANGES_LIMIT:
        return None
    students = {student for _pk, student, _version in changed}
    intakes = _filtered(user, filters).filter(student_id__in=students)
    rows = _decorate(_ordered_rows(intakes, limit=None), viewer_id=user.pk) if students else []
    shown = {row.pk for row in rows}
    gone = [{"id": pk, "version": v} for pk, _student, v in changed if pk not in shown]
    return QueueChanges(rows=rows, gone=gone)


def _unclaimed_urgent(intakes: QuerySet[Intake]) -> dict[int, int]:
    counts = (
        intakes.exclude(status=Intake.Status.CLOSED)
        .filter(urgency=Intake.Urgency.URGENT, claimed_by__isnull=True)
        .order_by()
        .values("school_id")
        .annotate(n=Count("id"))
        .values_list("school_id", "n")
    )
    return dict(counts)


def unclaimed_urgent_by_school(*, user: User) -> dict[int, int]:
    """Urgent items nobody has claimed yet, per school of the user's queue, whatever the page
    is filtered to (the tab title shows their sum, so a filter never hides one; a pushed row
    brings its school's count, so the title stays true without a fetch). One query."""
    return _unclaimed_urgent(Intake.objects.visible_to(user))


def unclaimed_urgent_at(*, school_id: int) -> int:
    """The same count for one school: what a row pushed to that school's screens carries."""
    return _unclaimed_urgent(Intake.objects.filter(school_id=school_id)).get(school_id, 0)


def next_tick(rows: list[Intake]) -> int:
    """Seconds until the first row's time-left text would change (see time_left)."""
    return min((row.time_left.changes_in for row in rows), default=time_left.IDLE_TICK)


def queue_row(*, user: User, intake: Intake, filters: QueueFilters) -> Intake | None:
    """One row as the queue shows it, or None when it is closed or the filters leave it out.
    Read with the rest of its student's group so the group figures are the same as on the
    page."""
    group = _ordered_rows(_filtered(user, filters).filter(student_id=intake.student_id), limit=None)
    row = next((i for i in group if i.pk == intake.pk), None)
    return _decorate([row], viewer_id=user.pk)[0] if row else None


def school_student_rows(*, school_id: int, student_id: int) -> list[Intake]:
    """A student's open rows at one school, as every screen of that school's team shows them
    unfiltered (every member of a school's team sees the same intakes there): what is
    rendered once and pushed when one of them changes (support_team/live_rows.py)."""
    intakes = Intake.objects.filter(school_id=school_id, student_id=student_id).exclude(
        status=Intake.Status.CLOSED
    )
    return _decorate(_ordered_rows(intakes, limit=None), viewer_id=None)


# --- the intake page ------------------------------------------------------------------------


def other_open_intakes(*, user: User, intake: Intake) -> list[Intake]:
    """The student's other open intakes at the user's schools, most urgent first."""
    return list(
        Intake.objects.visible_to(user)
        .filter(student_id=intake.student_id)
        .exclude(status=Intake.Status.CLOSED)
        .exclude(pk=intake.pk)
        .select_related("school", "claimed_by")
        .order_by("urgency", "target_at", "pk")
    )


def source_category_slugs(intake: Intake) -> list[str]:
    """The categories of the teacher concern an intake came from (read from the concern's
    chronology line); none for other sources."""
    if intake.source != Intake.Source.CONCERN:
        return []
    before, after = _concern_link_parts()
    line = (
        TimelineEntry.objects.filter(
            student_id=intake.student_id,
            school_id=intake.school_id,
            source=TimelineEntry.Source.CONCERN,
            link=f"{before}{intake.source_id}{after}",
        )
        .values_list("categories", flat=True)
        .first()
    )
    return [s for s in (line or "").split(",") if s]


def open_case_for(*, user: User, intake: Intake) -> Case | None:
    """The student's open case at the intake's school, if the user may see it."""
    return (
        Case.objects.visible_to(user)
        .filter(student_id=intake.student_id, school_id=intake.school_id, status=Case.Status.OPEN)
        .select_related("lead")
        .first()
    )


def routable_services() -> QuerySet:
    """The school services an intake can be routed to: active, provided at school, in the
    default content language (each service is translated; one copy is the record)."""
    from wagtail.models import Locale

    return Service.objects.filter(
        active=True, provided_by="school", locale_id=Locale.get_default().pk
    ).order_by("order", "name")
