"""One check-in, one queue item. Before this, each request of a check-in opened its own
intake (source_id = the request's id), so a student with eleven requests had eleven rows in
the queue. From now on a check-in opens one intake (source_id = the report's id) and each
request points at it (SelfReportRequest.intake).

What this does to the check-ins already made, so that they keep their meaning:
- each request is linked to the intake it opened;
- of a check-in's intakes, one is kept as its queue item and carries the report's id: an
  open one that someone is already working on, else the most urgent open one, else (all
  closed) the first. If it is open it takes the most urgent urgency and the nearest target
  of the check-in's open intakes, their summaries, and an escalation or case any of them had;
- the check-in's other open intakes are closed as duplicates of it, with a note naming it,
  and their requests now point at the kept one (their student sees its state);
- intakes that were closed already stay closed, and their requests stay linked to them (the
  student still sees "Done" for those); they lose the id, which now names the report;
- the check-in's chronology line links to the team's check-in page.
Every intake changed gets a history row, as a change made by the app would. Ids of requests
and reports are the same kind of number, so every old id is set aside first.
"""

from collections import defaultdict

from django.db import migrations
from django.utils import timezone

SELF_REPORT = "self_report"
NEW, CLOSED = "new", "closed"
MERGED_NOTE = "Merged into #{pk}: a check-in is now one queue item listing its requests."
CHANGE_REASON = "One queue item per check-in (self_report 0003)"


def _save(apps, obj, now) -> None:
    """Save, and write the history row simple-history would (no signals run here)."""
    obj.save()
    label = obj._meta.app_label
    Historical = apps.get_model(label, f"Historical{obj._meta.object_name}")
    values = {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}
    Historical.objects.create(
        **values, history_date=now, history_type="~", history_change_reason=CHANGE_REASON
    )


def _keep(intakes: list):
    open_ = [i for i in intakes if i.status != CLOSED]
    pool = open_ or intakes
    return sorted(pool, key=lambda i: (i.status == NEW, i.urgency, i.opened_at, i.pk))[0]


def merge(apps, schema_editor) -> None:
    Intake = apps.get_model("support_team", "Intake")
    Request = apps.get_model("self_report", "SelfReportRequest")
    SelfReport = apps.get_model("self_report", "SelfReport")
    TimelineEntry = apps.get_model("support_team", "TimelineEntry")
    now = timezone.now()

    legacy = {i.source_id: i for i in Intake.objects.filter(source=SELF_REPORT)}
    by_report = defaultdict(list)
    for request in Request.objects.order_by("pk"):
        by_report[request.report_id].append((request, legacy.get(str(request.pk))))
    # Set every old id aside: report 7's new id may be request 7's old one.
    for intake in legacy.values():
        intake.source_id = f"pre-0003:{intake.pk}"
        intake.save(update_fields=["source_id"])

    for report_id, pairs in by_report.items():
        intakes = list({i.pk: i for _r, i in pairs if i is not None}.values())
        if not intakes:
            continue
        kept = _keep(intakes)
        open_others = [i for i in intakes if i.status != CLOSED and i.pk != kept.pk]
        kept.source_id = str(report_id)
        if kept.status != CLOSED and open_others:
            together = [kept, *open_others]
            kept.urgency = min(i.urgency for i in together)
            kept.target_at = min(i.target_at for i in together)
            summaries = list(dict.fromkeys(i.summary for i in together))
            kept.summary = " · ".join(summaries)[:200]
            escalated = next((i for i in together if i.escalated_at), None)
            if escalated and not kept.escalated_at:
                kept.escalated_at, kept.escalated_by_id = (
                    escalated.escalated_at,
                    escalated.escalated_by_id,
                )
            case = next((i.case_id for i in together if i.case_id), None)
            kept.case_id = kept.case_id or case
        kept.version += 1
        _save(apps, kept, now)
        for other in open_others:
            other.status = CLOSED
            other.closed_at = now
            other.closed_reason = "duplicate"
            other.closed_note = MERGED_NOTE.format(pk=kept.pk)
            other.source_id = ""
            other.version += 1
            _save(apps, other, now)
        merged = {i.pk for i in open_others} | {kept.pk}
        for other in intakes:
            if other.pk not in merged:  # closed before: keeps its requests and its state
                other.source_id = ""
                _save(apps, other, now)
        for request, intake in pairs:
            own_closed = intake is not None and intake.pk not in merged
            request.intake_id = intake.pk if own_closed else kept.pk
            _save(apps, request, now)

    for report in SelfReport.objects.only("pk", "student_id", "school_id", "submitted_at"):
        TimelineEntry.objects.filter(
            student_id=report.student_id,
            school_id=report.school_id,
            source=SELF_REPORT,
            at=report.submitted_at,
            link="",
        ).update(link=f"/check-in/team/{report.pk}/")


class Migration(migrations.Migration):
    dependencies = [
        ("self_report", "0002_checkin_one_intake"),
        ("support_team", "0006_transfer_packets"),
    ]

    # Merged queue items cannot be told apart again: going back leaves them merged.
    operations = [migrations.RunPython(merge, migrations.RunPython.noop)]
