"""Crafted upload files, built by hand so that they can be what no spreadsheet program
writes: workbooks whose sheet declares the whole grid, holds a million formatted empty
rows or 16,384 cells a row, or whose shared strings are a bomb; and a way to measure what
refusing one costs in memory. Used by the upload tests and by bench/uploads.py."""

from __future__ import annotations

import io
import tracemalloc
import zipfile
from collections.abc import Callable, Iterable

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
DOC_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    + "".join(
        f'<Override PartName="/xl/{part}" '
        f'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.{kind}+xml"/>'
        for part, kind in (
            ("workbook.xml", "sheet.main"),
            ("worksheets/sheet1.xml", "worksheet"),
            ("sharedStrings.xml", "sharedStrings"),
            ("styles.xml", "styles"),
        )
    )
    + "</Types>"
)
PACKAGE_RELS = (
    f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{RELS}">'
    f'<Relationship Id="rId1" Type="{DOC_RELS}/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
WORKBOOK = (
    f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN}" xmlns:r="{DOC_RELS}">'
    '<sheets><sheet name="Concerns" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{RELS}">'
    f'<Relationship Id="rId1" Type="{DOC_RELS}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{DOC_RELS}/sharedStrings" Target="sharedStrings.xml"/>'
    f'<Relationship Id="rId3" Type="{DOC_RELS}/styles" Target="styles.xml"/>'
    "</Relationships>"
)
STYLES = (
    f'<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="{MAIN}">'
    '<cellXfs count="3"><xf numFmtId="0"/><xf numFmtId="0"/><xf numFmtId="14"/></cellXfs>'
    "</styleSheet>"
)
HEADER = ["Student ID", "Date", "Category", "Details"]


def text_cell(reference: str, text: str) -> str:
    return f'<c r="{reference}" t="inlineStr"><is><t>{text}</t></is></c>'


def row(line: int, cells: Iterable[str] = ()) -> str:
    return f'<row r="{line}">{"".join(cells)}</row>'


def header_row(names: list[str] = HEADER) -> str:
    return row(1, (text_cell(f"{chr(65 + i)}1", name) for i, name in enumerate(names)))


def workbook(
    rows: Iterable[str],
    *,
    shared: Iterable[str] = (),
    dimension: str | None = None,
    before_sheet: str = "",
    extra_members: int = 0,
) -> bytes:
    """An .xlsx whose first sheet holds `rows` (<row> elements) and whose shared strings are
    `shared` (<si> elements), both streamed into the zip so that a bomb costs no memory to
    build. before_sheet goes before <worksheet> (a DOCTYPE, say)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", PACKAGE_RELS)
        archive.writestr("xl/workbook.xml", WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        archive.writestr("xl/styles.xml", STYLES)
        _stream(archive, "xl/sharedStrings.xml", f'<sst xmlns="{MAIN}">', shared, "</sst>")
        opening = f'{before_sheet}<worksheet xmlns="{MAIN}">'
        if dimension:
            opening += f'<dimension ref="{dimension}"/>'
        _stream(
            archive, "xl/worksheets/sheet1.xml", opening + "<sheetData>", rows,
            "</sheetData></worksheet>",
        )  # fmt: skip
        for n in range(extra_members):
            archive.writestr(zipfile.ZipInfo(f"x/{n}"), b"")
    return out.getvalue()


def _stream(archive, name: str, opening: str, parts: Iterable[str], closing: str) -> None:
    with archive.open(name, "w", force_zip64=True) as member:
        member.write(('<?xml version="1.0" encoding="UTF-8"?>' + opening).encode())
        batch: list[str] = []
        for part in parts:
            batch.append(part)
            if len(batch) >= 5000:
                member.write("".join(batch).encode())
                batch = []
        member.write(("".join(batch) + closing).encode())


# --- the crafted sheets -----------------------------------------------------------------------


def formatted_empty_rows(count: int) -> Iterable[str]:
    """The header, then `count` rows each holding one formatted cell with nothing in it."""
    yield header_row()
    for line in range(2, count + 2):
        yield f'<row r="{line}"><c r="A{line}" s="1"/></row>'


def full_width_rows(count: int, *, columns: int = 16_384) -> Iterable[str]:
    """The header, then `count` rows of `columns` formatted empty cells each."""
    yield header_row()
    cells = '<c s="1"/>' * columns
    for line in range(2, count + 2):
        yield f'<row r="{line}">{cells}</row>'


def attribute_rows(count: int, attributes: int = 500) -> Iterable[str]:
    """The header, then `count` rows each holding one unknown element with `attributes`
    attributes: no cell, no value, only work for the XML parser."""
    yield header_row()
    tag = "<x " + " ".join(f'a{i}=""' for i in range(attributes)) + "/>"
    for line in range(2, count + 2):
        yield f'<row r="{line}">{tag}</row>'


def shared_string_bomb(count: int, text: str = "x") -> Iterable[str]:
    return (f"<si><t>{text}</t></si>" for _ in range(count))


# --- measuring ----------------------------------------------------------------------------


def traced_peak(action: Callable[[], object]) -> tuple[object, int]:
    """(what action returned or raised, the peak of memory it allocated, in bytes)."""
    tracemalloc.start()
    try:
        try:
            outcome = action()
        except Exception as error:  # the caller asserts which
            outcome = error
        return outcome, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


MB = 1024 * 1024
