"""Crafted uploads, built by hypothesis from the pieces attackers use: workbook sheets with
rows and cells out of order, references far out in the grid or malformed, every cell type,
formulas, inline and shared strings, phonetic runs and a declared dimension; and JSON of any
shape and depth inside a transfer file. With the caps made small, so that hypothesis reaches
them, each file is read within every cap or refused with the import's own error, never
anything else."""

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from concerns.legacy_import import ImportFileError, limits, read_table, table
from support_team.transfers import envelope
from tests.crafted_files import workbook
from tests.fuzz.engine import BOUNDED

SMALL_CAPS = {
    "MAX_LINES": 30,
    "MAX_COLUMNS": 12,
    "MAX_CELLS": 100,
    "MAX_CELL_CHARS": 25,
    "MAX_TEXT_CHARS": 300,
    "MAX_XML_ELEMENTS": 400,
}
ODD_REFERENCE = st.sampled_from(["", "1A", "A-1", "Ä1", "XFD1048576", "ZZZZ1", "A1"])


def letters(column: int) -> str:
    name = ""
    while column:
        column, rest = divmod(column - 1, 26)
        name = chr(65 + rest) + name
    return name


# Text an XML part can hold; ODD_TEXT adds the control characters expat refuses.
TEXT = st.text(
    alphabet=st.characters(codec="utf-8", exclude_characters="<&", exclude_categories=("Cc", "Cs")),
    max_size=30,
)
ODD_TEXT = st.text(alphabet=st.characters(codec="utf-8", exclude_characters="<&"), max_size=30)
NUMBER = st.one_of(
    st.integers(-5, 10**6).map(str), st.floats(allow_nan=False).map(repr), st.just("45000.5")
)
ODD_VALUE = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    ODD_TEXT,
    st.sampled_from(["true", "1e400", "-1", "99", ""]),
)
BODIES = {
    "": "",
    "v": "<v>{}</v>",
    "f": "<f>{}</f><v>1</v>",
    "is": "<is><t>{}</t></is>",
    "is-rich": "<is><r><t>{}</t></r><rPh><t>ruby</t></rPh></is>",
    "v-empty": "<v></v>",
}


@st.composite
def cell(draw, line: int, column: int, tidy: bool) -> tuple[str, int]:
    """A cell after `column` on row `line` (xml, its column): in a tidy sheet as a
    spreadsheet program writes it, otherwise now and then broken."""
    step = draw(st.sampled_from([1] * 6 + [2, 5, 16_000]))
    proper = f"{letters(min(column + step, 16_384))}{line}"
    reference = draw(st.sampled_from([proper] * 8 + [None, None] + ([] if tidy else ["odd"])))
    if reference == "odd":
        reference = draw(ODD_REFERENCE)
    attributes = "" if reference is None else f' r="{reference}"'
    kind = draw(st.sampled_from([None, None, "s", "inlineStr", "n", "b", "e", "str", "d", "zz"]))
    attributes += "" if kind is None else f' t="{kind}"'
    style = draw(st.sampled_from([None, "0", "1", "2"] + ([] if tidy else ["9", "x"])))
    attributes += "" if style is None else f' s="{style}"'
    body = BODIES[draw(st.sampled_from(list(BODIES)))]
    fitting = {
        None: NUMBER,
        "n": NUMBER,
        "s": st.integers(0, 4).map(str),
        "b": st.sampled_from(["0", "1"]),
        "e": st.just("#N/A"),
        "zz": st.just(""),
    }.get(kind, TEXT)
    value = draw(fitting if tidy else st.one_of(fitting, ODD_VALUE))
    xml = f"<c{attributes}>{body.format(value)}</c>" if body else f"<c{attributes}/>"
    return xml, column + step


@st.composite
def sheet(draw) -> list[str]:
    tidy = draw(st.booleans())
    rows = []
    line = 0
    for _ in range(draw(st.integers(0, 12))):
        line = draw(st.sampled_from([line + 1] * 6 + [line + 3, 1_048_576] + [line] * (not tidy)))
        number = draw(st.sampled_from([f' r="{line}"'] * 8 + ([] if tidy else ["", ' r="x"'])))
        cells, column = [], 0
        for _ in range(draw(st.integers(0, 8))):
            xml, column = draw(cell(line, column, tidy))
            cells.append(xml)
        rows.append(f"<row{number}>{''.join(cells)}</row>")
    return rows


@BOUNDED
@given(
    rows=sheet(),
    shared=st.lists(TEXT.map(lambda t: f"<si><t>{t}</t></si>"), min_size=5, max_size=8),
    dimension=st.sampled_from([None, "A1", "A1:XFD1048576", "junk"]),
)
def test_a_crafted_workbook_is_read_within_every_cap_or_refused(rows, shared, dimension):
    data = workbook(rows, shared=shared, dimension=dimension)
    with pytest.MonkeyPatch.context() as patch:
        for name, value in SMALL_CAPS.items():
            patch.setattr(limits, name, value)
        patch.setattr(table, "MAX_ROWS", SMALL_CAPS["MAX_LINES"] - 5)
        try:
            read = read_table(data)
        except ImportFileError as error:
            assert str(error)
            return
    assert 0 < len(read.columns) <= SMALL_CAPS["MAX_COLUMNS"]
    assert len(read.rows) <= SMALL_CAPS["MAX_LINES"] - 5
    assert all(len(row) == len(read.columns) for row in read.rows)
    assert (len(read.rows) + 1) * len(read.columns) <= SMALL_CAPS["MAX_CELLS"]
    cells = [c for row in read.rows for c in row]
    assert all(len(c) <= SMALL_CAPS["MAX_CELL_CHARS"] for c in cells)
    assert sum(map(len, cells)) <= SMALL_CAPS["MAX_TEXT_CHARS"]


JSON = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), TEXT),
    lambda inner: st.one_of(st.lists(inner, max_size=6), st.dictionaries(TEXT, inner, max_size=6)),
    max_leaves=60,
)


def shape(value, depth=1) -> tuple[int, int]:
    """(containers, deepest level) of a parsed JSON value."""
    if not isinstance(value, dict | list):
        return 0, 0
    children = value.values() if isinstance(value, dict) else value
    counts = [shape(child, depth + 1) for child in children]
    return 1 + sum(c for c, _ in counts), max([depth, *(d for _, d in counts)])


@BOUNDED
@given(
    value=JSON,
    nesting=st.integers(0, 3000),
    cut=st.one_of(st.none(), st.integers(0, 200)),
)
def test_json_in_a_transfer_file_is_parsed_within_its_bounds_or_refused(value, nesting, cut):
    data = b"[" * nesting + json.dumps(value).encode() + b"]" * nesting
    if cut is not None:
        data = data[:cut]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(envelope, "MAX_JSON_CONTAINERS", 20)
        patch.setattr(envelope, "MAX_JSON_VALUES", 60)
        patch.setattr(envelope, "MAX_JSON_DEPTH", 4)
        try:
            parsed = envelope.load_json(data, max_bytes=5000)
        except envelope.EnvelopeError as error:
            assert str(error)
            return
    assert parsed == json.loads(data)
    containers, deepest = shape(parsed)
    assert containers <= 20 and deepest <= 4
