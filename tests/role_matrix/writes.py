"""Who may write: every route that accepts POST, with the body an authorised user would send,
the table an allowed write changes, and what each role gets.

An expectation is WRITES (2xx/3xx and the `changes` table changed), or a refusal: LOGIN or a
status code, and then nothing in the database changed. A status other than 403/404 for a
role that reaches the page is a refusal by the object's own rule (only the case lead or the
safeguarding lead closes a case): the page says why (302 back with a message, or 400 with
the form's errors).

Three schools of objects (test_write_matrix's `school`):
- "own": school A's objects, the acting users' school;
- "other": school B's objects, in the URL and in the body. By default every role that reaches
  the page gets 404, the others their page-level refusal; `foreign` overrides that, and
  NO_FOREIGN marks a route with no school object at all (the reason is in a comment);
- "mixed": school A's object in the URL with school B's people or records named in the body
  (a team member to assign, a note) or as the URL's second object (a goal under the case).
  `mixed` gives what the roles that would write get instead; a route that names no second
  school object has no mixed case.

Bodies and a URL's second object come from `c.b` (that school), a URL's first from `c.w`."""

import datetime
import io
import uuid
import zipfile
from collections.abc import Callable

from django.urls import reverse
from django.utils import timezone

from community_links.models import Referral
from community_links.services.referrals import referral_status_change
from schoolwell.models import Role
from schoolwell.sso.models import IdentityProvider
from support_team.transfers.services import packet_include_notes
from tests.factories import member
from tests.role_matrix.expect import (
    NO_FOREIGN,
    SL,
    WRITES,
    Write,
    expect,
    refused,
    today,
    upload,
    url,
)
from tests.role_matrix.roles import CONCERN, LEGACY_IMPORT, ROLES, ROSTER, TEAM
from tests.role_matrix.writes_team import CASE, INTAKE, TEAM_WRITES
from tests.sso.discovery import discovery_server


def withdrawn(c) -> None:
    referral = Referral.objects.get(pk=c.w.referral.pk)
    referral_status_change(referral=referral, status="withdrawn", by=c.w.lead, via="team")


COMMUNITY = {
    "community_links:referral_new": Write(
        url("community_links:referral_new", "case"),
        TEAM_WRITES,
        "referral",
        body=lambda c: {
            "resources": [c.w.resource2.pk],  # the directory is shared
            "consent_by": "family",
            "consent_name": "A parent",
            "share_name": "on",
            "share_need": "on",
        },
    ),
    "community_links:referral_status": Write(
        url("community_links:referral_status", "referral"),
        TEAM_WRITES,
        "referral",
        body=lambda c: {"status": "accepted", "note": ""},
    ),
    "community_links:referral_link": Write(
        url("community_links:referral_link", "referral"), TEAM_WRITES, "referral"
    ),
    # School B's referral and resource belong to another organisation than the partner's.
    "partners:referral": Write(
        url("partners:referral", "referral"),
        expect({"partner"}),
        "referral",
        body=lambda c: {"status": "accepted", "note": "We called"},
    ),
    # The signed link is the partner's key: whoever holds it answers for that one referral.
    "partners:link": Write(
        lambda c: reverse("partners:link", args=[c.w.referral_token]),
        expect(set(ROLES)),
        "referral",
        body=lambda c: {"status": "accepted", "note": ""},
        foreign=NO_FOREIGN,
    ),
    # Once the school has withdrawn a referral, the partner's answer no longer changes it.
    "partners:referral (withdrawn by the school)": Write(
        url("partners:referral", "referral"),
        expect({"partner"}, set(), refused=400),
        "referral",
        body=lambda c: {"status": "accepted", "note": "We called"},
        prepare=withdrawn,
    ),
    "partners:link (withdrawn by the school)": Write(
        lambda c: reverse("partners:link", args=[c.w.referral_token]),
        expect(set(ROLES), set(), refused=400),
        "referral",
        body=lambda c: {"status": "accepted", "note": ""},
        prepare=withdrawn,
        foreign=NO_FOREIGN,
    ),
    "partners:resource_edit": Write(
        url("partners:resource_edit", "resource"),
        expect({"partner"}),
        "wagtailcore.revision",
        body=lambda c: {"description": "Open on Saturdays too", "language_codes": ",en,"},
    ),
}

CONCERNS = {
    # The concern was logged by the acting teacher: only its reporter adds to it.
    "concerns:observe": Write(
        url("concerns:observe", "concern"),
        expect(CONCERN, {"teacher"}),
        "observation",
        body=lambda c: {"text": "Absent again on Monday"},
    ),
    # No object in the URL: school B's student is named in the body (a form error).
    "concerns:new": Write(
        lambda c: reverse("concerns:new"),
        expect(CONCERN),
        "concern",
        body=lambda c: {
            "student": c.b.student.pk,
            "categories": [c.b.category.pk],
            "severity": "low",
            "narrative": "Asleep in class",
            "observed_on": (timezone.localdate() - datetime.timedelta(days=1)).isoformat(),
            "observed_place": "",
            "idempotency_key": str(uuid.uuid4()),
        },
        foreign=dict.fromkeys(CONCERN, 200),
    ),
    # School B named in the body: a district administrator's district includes it.
    "concerns:import": Write(
        lambda c: reverse("concerns:import"),
        expect(LEGACY_IMPORT),
        "concernimport",
        body=lambda c: {"school": c.b.school.pk},
        files=lambda c: {"file": upload("old.csv", legacy_csv(c))},
        foreign={"safeguarding_lead": 400, "school_admin": 400, "district_admin": WRITES},
    ),
    # Imports are their starter's own: each importer confirms theirs; B's is someone else's.
    "concerns:import_detail": Write(
        lambda c: reverse("concerns:import_detail", args=[own_import(c).pk]),
        expect(LEGACY_IMPORT),
        "concern",
        body=lambda c: {"action": "confirm"},
    ),
    # The bundle names its own schools: there is no school object in the request.
    "roster_import": Write(
        lambda c: reverse("roster_import"),
        expect(ROSTER),
        "rosterimport",
        files=lambda c: {"bundle": upload("roster.zip", roster_zip())},
        foreign=NO_FOREIGN,
    ),
    # A student's own check-in: nothing in it names a school object.
    "wagtail_serve (the self-report page)": Write(
        lambda c: "/self-report/",
        expect({"student"}),
        "selfreport",
        body=lambda c: {"wellbeing": 3, "talk_when": "", "idempotency_key": str(uuid.uuid4())},
        foreign=NO_FOREIGN,
    ),
}


def roster_zip() -> bytes:
    """A zip the upload form takes (the import itself then finds no OneRoster files)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as bundle:
        bundle.writestr("manifest.csv", "propertyName,value\n")
    return out.getvalue()


def legacy_csv(c) -> bytes:
    from tests.role_matrix.world import LEGACY_CSV

    return LEGACY_CSV.format(sis=c.b.student.sis_id).encode()


def own_import(c):
    if not c.own:
        return c.w.concern_import
    return c.w.concern_imports.get(c.role, c.w.concern_imports["safeguarding_lead"])


NOTE_ABOVE_LEVEL = expect(TEAM, set(), refused=403)
NOTE_ABOVE_LEVEL["safeguarding_lead"] = 400

TRANSFERS = {
    "transfers:start": Write(
        lambda c: reverse("transfers:start", args=[c.w.school.pk, c.b.leaver.pk]),
        TEAM_WRITES,
        "transferpacket",
        mixed=refused(404, TEAM),  # another school's student at this school: not found
    ),
    "transfers:review": Write(
        url("transfers:review", "packet"),
        TEAM_WRITES,
        "transferpacket",
        body=lambda c: {"consents": "Parent agreed to share"},
    ),
    # The sending school's safeguarding lead alone adds notes and approves.
    "transfers:notes": Write(
        url("transfers:notes", "packet"),
        expect(TEAM, SL, refused=403),
        "transferpacket_included_notes",
        body=lambda c: {"notes": [c.b.note.pk]},
        mixed=refused(302, SL),
    ),
    "transfers:approve": Write(
        url("transfers:approve", "packet"),
        expect(TEAM, SL, refused=403),
        "transferpacket",
        body=lambda c: {"note_level": ""},
        reauth=True,
    ),
    # A case note the lead chose, above the level approved: refused beside the form (400).
    "transfers:approve (a chosen note above the level)": Write(
        url("transfers:approve", "packet"),
        NOTE_ABOVE_LEVEL,
        "transferpacket",
        body=lambda c: {"note_level": ""},
        prepare=lambda c: packet_include_notes(packet=c.w.packet, by=c.w.sl, notes=[c.w.note]),
        reauth=True,
    ),
    # Another school named in the body: not one of the student's schools here, a form error.
    "transfers:left": Write(
        lambda c: reverse("transfers:left", args=[c.w.departing.pk]),
        TEAM_WRITES,
        "enrollment",
        body=lambda c: {
            "school": c.b.school.pk,
            "left_on": today(),
            "destination": "Riverbend High School",
        },
        mixed=refused(400, TEAM),
    ),
    "transfers:send": Write(
        url("transfers:send", "approved"), TEAM_WRITES, "transferpacket", reauth=True
    ),
    "transfers:export": Write(
        url("transfers:export", "approved"),
        TEAM_WRITES,
        "transferpacket",
        body=lambda c: {"peer": c.world.far.peer_here.pk},
        reauth=True,
    ),
    "transfers:accept": Write(url("transfers:accept", "incoming"), TEAM_WRITES, "transferpacket"),
    # Each side does only its own part: the receiver does not edit, the sender does not accept.
    "transfers:review (a packet this school receives)": Write(
        url("transfers:review", "incoming"),
        expect(TEAM, set(), refused=403),
        "transferpacket",
        body=lambda c: {"consents": "Parent agreed to share"},
    ),
    "transfers:accept (a packet this school sends)": Write(
        url("transfers:accept", "approved"), expect(TEAM, set(), refused=403), "transferpacket"
    ),
    # The receiving school's safeguarding lead alone acknowledges.
    "transfers:acknowledge": Write(
        url("transfers:acknowledge", "incoming"),
        expect(TEAM, SL, refused=403),
        "transferpacket",
    ),
    "transfers:confirm": Write(
        url("transfers:confirm", "held"),
        TEAM_WRITES,
        "transferpacket",
        body=lambda c: {"student": c.b.held_student.pk},
        mixed=refused(302, TEAM),
    ),
    "transfers:discard": Write(url("transfers:discard", "held"), TEAM_WRITES, "transferpacket"),
    # No object in the URL: school B's receipt, or school B named in the body.
    "transfers:receipt_import": Write(
        lambda c: reverse("transfers:receipt_import"),
        TEAM_WRITES,
        "transferpacket",
        files=lambda c: {"file": upload("receipt.swtp", c.b.receipt)},
        foreign=dict.fromkeys(TEAM, 302),
    ),
    "transfers:import": Write(
        lambda c: reverse("transfers:import"),
        TEAM_WRITES,
        "transferpacket",
        body=lambda c: {"school": c.b.school.pk, "passphrase": ""},
        files=lambda c: {"file": upload("packet.swtp", c.b.import_file)},
        foreign=dict.fromkeys(TEAM, 200),
    ),
}


def switched_off_at(where: Callable) -> Callable:
    """A prepare hook: an account as a roster import leaves it, at that school (`c.off`)."""

    def prepare(c) -> None:
        c.off = member(Role.TEACHER, school=where(c), mfa=False, sign_in_enabled=False)

    return prepare


# A district administrator's sign-in settings: the district is their own, never in the URL.
SSO = {
    "sso:provider": Write(
        lambda c: reverse("sso:provider"),
        expect({"district_admin"}),
        None,  # the sso app's tables: `wrote` looks
        body=lambda c: {
            "kind": "oidc",
            "server_url": discovery_server() + "/good",
            "client_id": "schoolwell",
            "client_secret": "secret",
            "match_by": "email",
            "mfa_amr": "mfa",
            "enabled": "on",
        },
        wrote=lambda c: IdentityProvider.objects.filter(district=c.w.school.district).exists(),
        foreign=NO_FOREIGN,
        reauth=True,
    ),
    "sso:accounts (roles)": Write(
        lambda c: reverse("sso:accounts"),
        expect({"district_admin"}),
        "district",
        body=lambda c: {"action": "roles", "roles": ["teacher"]},
        foreign=NO_FOREIGN,
    ),
    # School B is of the same district: its accounts are the administrator's too.
    "sso:accounts (one account)": Write(
        lambda c: reverse("sso:accounts"),
        expect({"district_admin"}),
        "user",
        body=lambda c: {"action": "one", "user": c.off.pk},
        prepare=switched_off_at(lambda c: c.b.school),
        foreign={"district_admin": WRITES},
    ),
    "sso:accounts (an account of another district)": Write(
        lambda c: reverse("sso:accounts"),
        expect({"district_admin"}, set(), refused=404),
        "user",
        body=lambda c: {"action": "one", "user": c.off.pk},
        prepare=switched_off_at(lambda c: c.world.far.school),
        foreign=NO_FOREIGN,
    ),
}

WRITE_ROUTES: dict[str, Write] = INTAKE | CASE | COMMUNITY | CONCERNS | TRANSFERS | SSO


def route_name(key: str) -> str:
    """The URL name of a WRITE_ROUTES key ("name (which object)")."""
    return key.split(" (")[0]


# Routes whose view accepts POST but only reads: a POST there must write nothing
# (test_a_post_to_a_read_only_page_writes_nothing). Wagtail's catch-all serves the self-report
# page (a write, above) and content pages (reads).
POST_READS = {
    "home",
    "roster_import_detail",
    "support_team:caseload",
    "support_team:queue",
    "support_team:queue_row",
    "support_team:queue_changes",
    "support_team:intake",
    "support_team:student",
    "support_team:cases",
    "support_team:case",
    "support_team:case_note",
    "transfers:list",
    "transfers:detail",
    "transfers:pdf",
    "transfers:export_file",
    "transfers:receipt_file",
    "concerns:mine",
    "concerns:detail",
    "concerns:urgent",
    "community_links:directory",
    "community_links:resource",
    "community_links:case_referrals",
    "community_links:caseload_referrals",
    "partners:home",
    "partners:resources",
    "self_report:home",
    "self_report:done",
    "wagtail_frontend_login",
    "wagtail_serve",
}
