"""Parse a bundle's files into compact records, checking every row as it goes.

Only what SchoolWell keeps is held in memory. Enrollments (the biggest file: one row per
student per class) are folded while streaming into one `Assignment` per user, org and role,
so a 300,000-row file costs a dictionary the size of the student body.

References between files are checked here when the target is in the bundle; the ones that
are not are kept in `Parsed.missing_users` / `missing_orgs` for the plan to look up in the
database (a delta file may name a school or student imported last week).
"""

from __future__ import annotations

from datetime import date

from schoolwell.roster import limits
from schoolwell.roster.bundle import Bundle, Problems
from schoolwell.roster.demographics import parse_demographics
from schoolwell.roster.manifest import parse_manifest
from schoolwell.roster.records import ClassRow, OrgRow, Parsed, UserRow
from schoolwell.roster.table import Cells, Progress, column, read_table, split_list

FILES = ("orgs", "academicSessions", "classes", "users", "roles", "demographics", "enrollments")
ORG_TYPES = {"district", "school", "department", "local", "state", "national"}
ROLES = {
    "administrator", "aide", "guardian", "parent", "proctor", "relative", "student", "teacher",
    # 1.2 adds these in roles.csv
    "districtadministrator", "principal", "siteadministrator", "systemadministrator",
}  # fmt: skip


def parse_bundle(bundle: Bundle, problems: Problems, progress: Progress | None) -> Parsed:
    """Each file is measured against the caps (limits.py) before it is parsed: the manifest
    first, then every file it lists."""
    parsed = Parsed()
    if not bundle.measure(["manifest.csv"], problems):
        return parsed
    parse_manifest(bundle, parsed, problems, FILES)
    if not parsed.version:
        return parsed
    if not bundle.measure([f"{key}.csv" for key in parsed.modes], problems):
        return parsed
    steps = {
        "orgs": _parse_orgs,
        "academicSessions": _parse_sessions_and_classes,
        "users": _parse_users,
        "roles": _parse_roles,
        "demographics": parse_demographics,
        "enrollments": _parse_enrollments,
    }
    sessions: dict[str, date | None] = {}
    for key, step in steps.items():
        if key == "roles" and parsed.version == "1.1":
            continue  # 1.1 has roles in users.csv; a stray roles.csv is not part of it
        step(bundle, parsed, problems, progress, sessions)
    _check_agents(parsed, bundle.display_name("users.csv"))
    return parsed


# --- orgs, sessions, classes ------------------------------------------------------------------

ORG_COLUMNS = [
    column("sourcedId", required=True),
    column("status"),
    column("name", required=True),
    column("type", required=True),
    column("identifier"),
    column("parentSourcedId"),
]


def _parse_orgs(bundle, parsed: Parsed, problems: Problems, progress, _sessions) -> None:
    if "orgs" not in parsed.modes:
        return
    shown = bundle.display_name("orgs.csv")
    for line, (sid, status, name, kind, identifier, parent) in read_table(
        bundle, "orgs.csv", ORG_COLUMNS, problems, progress
    ):
        cells = Cells(shown, line, problems)
        cells.required(sid, "sourcedId")
        cells.limit(sid, "sourcedId", 240)  # a made-up district's id adds a prefix to it
        live = cells.live(status)
        if live:
            cells.required(name, "name")
            cells.limit(name, "name", 200)
            cells.limit(identifier, "identifier", 100)
            if kind.lower() not in ORG_TYPES and not kind.lower().startswith("ext:"):
                cells.problem(f"type {kind!r} is not an org type ({', '.join(sorted(ORG_TYPES))})")
        if sid in parsed.orgs:
            cells.problem(f"sourcedId {sid!r} is also on line {parsed.orgs[sid].line}")
        elif sid:
            parsed.orgs[sid] = OrgRow(sid, line, live, name, kind.lower(), identifier, parent)
    parsed.rows["orgs"] = len(parsed.orgs)


SESSION_COLUMNS = [
    column("sourcedId", required=True),
    column("status"),
    column("startDate", required=True),
    column("endDate", required=True),
]
CLASS_COLUMNS = [
    column("sourcedId", required=True),
    column("status"),
    column("schoolSourcedId", required=True),
    column("termSourcedIds"),
]


def _parse_sessions_and_classes(bundle, parsed: Parsed, problems, progress, sessions) -> None:
    """Sessions are kept only for their end dates: a class enrollment withdrawn without an
    end date of its own ends when the class's term ended, if that is already past."""
    if "academicSessions" in parsed.modes:
        shown = bundle.display_name("academicSessions.csv")
        for line, (sid, status, start, end) in read_table(
            bundle, "academicSessions.csv", SESSION_COLUMNS, problems, progress
        ):
            cells = Cells(shown, line, problems)
            cells.required(sid, "sourcedId")
            cells.live(status)
            cells.date(start, "startDate")
            sessions[sid] = cells.date(end, "endDate")
        parsed.rows["academicSessions"] = len(sessions)
    if "classes" not in parsed.modes:
        return
    shown = bundle.display_name("classes.csv")
    lines: dict[str, int] = {}
    for line, (sid, status, school, terms) in read_table(
        bundle, "classes.csv", CLASS_COLUMNS, problems, progress
    ):
        cells = Cells(shown, line, problems)
        cells.required(sid, "sourcedId")
        live = cells.live(status)
        if live and cells.required(school, "schoolSourcedId"):
            parsed.need_org(school, shown, line, "schoolSourcedId")
        if sid in lines:
            cells.problem(f"sourcedId {sid!r} is also on line {lines[sid]}")
        elif sid:
            ends = [end for term in split_list(terms) if (end := sessions.get(term))]
            lines[sid] = line
            parsed.classes[sid] = ClassRow(line, live, school, max(ends, default=None))
    parsed.rows["classes"] = len(parsed.classes)


# --- users and roles ------------------------------------------------------------------------


def _user_columns(version: str) -> list:
    by_version = (
        [column("orgSourcedIds", required=True), column("role", required=True)]
        if version == "1.1"
        else [column("primaryOrgSourcedId")]
    )
    return [
        column("sourcedId", required=True),
        column("status"),
        column("enabledUser"),
        column("givenName", required=True),
        column("familyName", required=True),
        # 1.2 CSV says preferredGivenName, the 1.2 REST model preferredFirstName; the
        # misspelling is in a real SIS export (the shared 1.2 sample).
        column("preferredFirstName", "preferredGivenName", "prefferedGivenName"),
        column("identifier"),
        column("email"),
        column("phone"),
        column("sms"),
        column("grades", "grade"),
        column("agentSourcedIds", "agents"),
        *by_version,
        # Last, whatever the version: what single sign-on may match a person by.
        column("username"),
        column("userMasterIdentifier"),
    ]


def _parse_users(bundle, parsed: Parsed, problems: Problems, progress, _sessions) -> None:
    if "users" not in parsed.modes:
        return
    shown = bundle.display_name("users.csv")
    for line, values in read_table(
        bundle, "users.csv", _user_columns(parsed.version), problems, progress
    ):
        cells = Cells(shown, line, problems)
        user = _user_row(cells, line, values, parsed.version)
        if user.sid in parsed.users:
            cells.problem(f"sourcedId {user.sid!r} is also on line {parsed.users[user.sid].line}")
            continue
        if parsed.version == "1.1" and user.live:
            _user_roles_1_1(parsed, cells, user, values[12], values[13])
        elif user.primary_org:
            parsed.need_org(user.primary_org, shown, line, "primaryOrgSourcedId")
        if user.sid:
            parsed.users[user.sid] = user
    parsed.rows["users"] = len(parsed.users)


def _user_row(cells: Cells, line: int, values: list[str], version: str) -> UserRow:
    sid, status, enabled, given, family, preferred, identifier, email, phone, sms = values[:10]
    grades, agents = values[10], values[11]
    username, master_identifier = values[-2:]
    cells.required(sid, "sourcedId")
    cells.limit(sid, "sourcedId", 150)
    live = cells.live(status)
    if live:
        cells.required(given, "givenName")
        cells.required(family, "familyName")
    for value, name in (
        (given, "givenName"),
        (family, "familyName"),
        (preferred, "preferred name"),
    ):
        cells.limit(value, name, 100)
    cells.limit(identifier, "identifier", 100)
    cells.limit(username, "username", 150)
    cells.limit(master_identifier, "userMasterIdentifier", 150)
    if email and not _looks_like_email(email):
        cells.problem(f"email {email!r} is not an e-mail address")
    cells.limit(email, "email", 150)  # it is also the username, which Django caps at 150
    grade = next(iter(split_list(grades)), "")
    # CEDS grade codes are at most 3 characters, except "Other", which says nothing.
    grade = "" if grade.lower() == "other" else cells.limit(grade, "grades", 4)
    return UserRow(
        sid=sid,
        line=line,
        live=live,
        enabled=cells.boolean(enabled, "enabledUser", default=True),
        given=given,
        family=family,
        preferred=preferred,
        identifier=identifier,
        username=username,
        master_identifier=master_identifier,
        email=email,
        phone=cells.limit(phone or sms, "phone", 40),
        grade=grade,
        agents=_few(cells, split_list(agents), "agentSourcedIds", limits.MAX_AGENTS),
        primary_org=values[12] if version == "1.2" else "",
    )


def _few(cells: Cells, items: tuple[str, ...], name: str, most: int) -> tuple[str, ...]:
    """A list that is kept item by item: a row is one person, so the list is short, and a
    long one (refused, none of it kept) would multiply what every other row costs."""
    if len(items) <= most:
        return items
    cells.problem(f"{name} lists {len(items):,} ids (at most {most})")
    return ()


def _looks_like_email(value: str) -> bool:
    """The shape the sign-in needs (one @, a dot in the domain, no spaces): Django's full
    validator is stricter than some districts' real addresses and costs a regex per row."""
    local, at, domain = value.rpartition("@")
    return bool(at and local and "." in domain.strip(".") and not any(c.isspace() for c in value))


def _user_roles_1_1(parsed: Parsed, cells: Cells, user: UserRow, orgs: str, role: str) -> None:
    """1.1 puts one role in users.csv, held at each of the user's orgSourcedIds."""
    token = _role(cells, role)
    org_ids = split_list(orgs)
    if len(org_ids) > limits.MAX_USER_ORGS:
        _few(cells, org_ids, "orgSourcedIds", limits.MAX_USER_ORGS)
        return
    if not org_ids:
        cells.problem("orgSourcedIds is empty but required")
    for org in org_ids:
        parsed.need_org(org, cells.shown, cells.line, "orgSourcedIds")
        if token:
            parsed.assign((user.sid, org, token), cells.shown, cells.line, True, None, None)


def _role(cells: Cells, value: str) -> str:
    """The role, lower-cased; '' (and a problem) when it is not one OneRoster defines.
    `ext:` roles are allowed by the spec and mean nothing to SchoolWell."""
    token = value.lower()
    if token in ROLES:
        return token
    if token.startswith("ext:"):
        return ""
    cells.problem(f"role {value!r} is not a OneRoster role")
    return ""


ROLE_COLUMNS = [
    column("sourcedId", required=True),
    column("status"),
    column("userSourcedId", required=True),
    column("role", required=True),
    column("orgSourcedId", required=True),
    column("beginDate"),
    column("endDate"),
]


def _parse_roles(bundle, parsed: Parsed, problems: Problems, progress, _sessions) -> None:
    if "roles" not in parsed.modes:
        return
    shown = bundle.display_name("roles.csv")
    seen: dict[str, int] = {}
    for line, (sid, status, user, role, org, begin, end) in read_table(
        bundle, "roles.csv", ROLE_COLUMNS, problems, progress
    ):
        cells = Cells(shown, line, problems)
        cells.required(sid, "sourcedId")
        live = cells.live(status)
        token = _role(cells, role)
        begin_date, end_date = cells.date(begin, "beginDate"), cells.date(end, "endDate")
        if cells.required(user, "userSourcedId"):
            parsed.need_user(user, shown, line, "userSourcedId")
        if cells.required(org, "orgSourcedId") and live:
            parsed.need_org(org, shown, line, "orgSourcedId")
        if sid in seen:
            cells.problem(f"sourcedId {sid!r} is also on line {seen[sid]}")
        seen[sid] = line
        if token and user and org:
            parsed.assign((user, org, token), shown, line, live, begin_date, end_date)
    parsed.rows["roles"] = len(seen)


def _check_agents(parsed: Parsed, shown: str) -> None:
    for user in parsed.users.values():
        for agent in user.agents:
            parsed.need_user(agent, shown, user.line, "agentSourcedIds")


# --- enrollments ------------------------------------------------------------------------------

ENROLLMENT_COLUMNS = [
    column("sourcedId", required=True),
    column("status"),
    column("classSourcedId", required=True),
    column("schoolSourcedId", required=True),
    column("userSourcedId", required=True),
    column("role", required=True),
    column("beginDate"),
    column("endDate"),
]


def _parse_enrollments(bundle, parsed: Parsed, problems: Problems, progress, _sessions) -> None:
    """A class enrollment places its user at the enrollment's school in that role. An
    enrollment in a class the bundle deletes counts as withdrawn; one naming a class that
    is not in a bulk classes.csv is an error (SchoolWell keeps no classes, so with a delta
    or no classes file the class is taken on trust: the school is what matters)."""
    if "enrollments" not in parsed.modes:
        return
    shown = bundle.display_name("enrollments.csv")
    classes_bulk = parsed.is_bulk("classes")
    seen: set[str] = set()
    rows = 0
    for line, (sid, status, klass, school, user, role, begin, end) in read_table(
        bundle, "enrollments.csv", ENROLLMENT_COLUMNS, problems, progress
    ):
        rows += 1
        cells = Cells(shown, line, problems)
        cells.required(sid, "sourcedId")
        live = cells.live(status)
        token = _role(cells, role)
        begin_date, end_date = cells.date(begin, "beginDate"), cells.date(end, "endDate")
        found = parsed.classes.get(klass)
        if cells.required(klass, "classSourcedId") and found is None and classes_bulk:
            cells.problem(f"classSourcedId {klass!r} is not in classes.csv")
        if cells.required(user, "userSourcedId"):
            parsed.need_user(user, shown, line, "userSourcedId")
        if cells.required(school, "schoolSourcedId") and live:
            parsed.need_org(school, shown, line, "schoolSourcedId")
        if sid in seen:
            cells.problem(f"sourcedId {sid!r} appears on an earlier line too")
        seen.add(sid)
        if found is not None and not found.live:
            live = False
        if not live and found is not None:
            end_date = end_date or found.term_end
        if token and user and school:
            parsed.assign((user, school, token), shown, line, live, begin_date, end_date)
    parsed.rows["enrollments"] = rows
