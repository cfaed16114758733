"""demographics.csv: birth dates, and the programme flags a vendor column may carry."""

from __future__ import annotations

from schoolwell.roster.bundle import Problems
from schoolwell.roster.records import DemographicRow, Parsed
from schoolwell.roster.table import Cells, column, read_table

# Demographics have no McKinney-Vento or programme flags; a vendor column that carries one
# is read when present, and a flag is left alone when no column says anything about it.
FLAG_COLUMNS = {
    "mckinney_vento": ("mckinneyVento", "ext_mckinneyVento", "homeless"),
    "foster_care": ("fosterCare", "ext_fosterCare"),
    "english_learner": ("englishLearner", "ext_englishLearner"),
    "iep": ("iep", "ext_iep"),
    "section_504": ("section504", "ext_section504"),
}


def _demographic_columns() -> list:
    flags = [column(*names) for names in FLAG_COLUMNS.values()]
    return [
        column("sourcedId", "userSourcedId", required=True),
        column("status"),
        column("birthDate"),
        *flags,
    ]


def parse_demographics(bundle, parsed: Parsed, problems: Problems, progress, _sessions) -> None:
    if "demographics" not in parsed.modes:
        return
    shown = bundle.display_name("demographics.csv")
    columns = _demographic_columns()
    for line, values in read_table(bundle, "demographics.csv", columns, problems, progress):
        sid, status, birth = values[:3]
        cells = Cells(shown, line, problems)
        if not cells.live(status) or not cells.required(sid, "sourcedId"):
            continue  # a deleted demographics row takes nothing away from the student
        parsed.need_user(sid, shown, line, "sourcedId")
        flags = {
            flag: cells.boolean(value, name, False)
            for (flag, (name, *_)), value in zip(FLAG_COLUMNS.items(), values[3:], strict=True)
            if value
        }
        row = DemographicRow(line, cells.date(birth, "birthDate"), bool(birth), flags)
        if sid in parsed.demographics:
            cells.problem(f"sourcedId {sid!r} is also on line {parsed.demographics[sid].line}")
        else:
            parsed.demographics[sid] = row
    parsed.rows["demographics"] = len(parsed.demographics)
