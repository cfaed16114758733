"""The first sheet of an .xlsx workbook as rows of strings, streamed within the caps of
limits.py (the sheet itself: sheet.py).

Why not openpyxl (through pandas): it loads every shared string before the first row, and
pads each row out to its last cell, styled or not; a 208 KB workbook whose rows each had a
formatted empty cell in column XFD held a worker for a minute (16,384 cells a row), and one
of 2,000,000 tiny shared strings (84 KB) for 20 s. Here nothing is sized from what the file
declares (the <dimension> tag, <cols>, the zip's sizes are never believed for allocation):

- the zip's central directory is bounded before zipfile reads it (a 17 MB zip of 200,000
  empty members takes zipfile 3 s and 110 MB just to open);
- only the parts needed are unzipped, each checked against its declared size and counted
  again as it streams in 64 KB pieces, against one budget for all of them;
- each piece's elements (its start tags) and attributes (its "=") are counted against one
  budget before expat parses it, so formatted empty cells cost their share and the parse is
  bounded before it starts;
- expat is used bare (no tree is built), with no DTD (so no entity expansion) and no token
  over 1 MB.
"""

from __future__ import annotations

import io
import logging
import posixpath
import pyexpat
import struct
import zipfile
from collections.abc import Callable

from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format, is_timedelta_format
from openpyxl.utils.datetime import MAC_EPOCH, WINDOWS_EPOCH

from concerns.legacy_import import limits, sheet
from concerns.legacy_import.limits import ImportFileError
from concerns.legacy_import.sheet import Broken, local

logger = logging.getLogger(__name__)
CHUNK = 64 * 1024
EOCD = b"PK\x05\x06"
ZIP64_LOCATOR = b"PK\x06\x07"
ZIP64_EOCD = b"PK\x06\x06"
# What Excel and every spreadsheet program write. zipfile inflates a bzip2 or LZMA member a
# whole compressed block at a time, without a bound on what one block gives.
METHODS = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)


def read_first_sheet(data: bytes) -> list[list[str]]:
    """Rows of the first worksheet, row n of the sheet at index n - 1 (a row missing from
    the file is an empty list). Raises ImportFileError."""
    try:
        _check_zip_directory(data)
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return _Workbook(archive).first_sheet()
    except ImportFileError:
        raise
    except Exception as error:  # zipfile, zlib, expat and the format each break their own way
        logger.info("Unreadable workbook: %s", type(error).__name__)
        raise limits.unreadable_workbook() from None


def _check_zip_directory(data: bytes) -> None:
    """zipfile reads the whole central directory (every member's record) on opening: bound
    its size from the end record first, the zip64 one too when there is one (zipfile reads
    the same records, found the same way)."""
    at = data.rfind(EOCD, max(0, len(data) - 22 - 65_535))
    if at < 0 or len(data) < at + 22:
        raise Broken
    entries, size = struct.unpack("<10xHI", data[at : at + 16])
    locator = at - 20
    if locator >= 0 and data[locator : locator + 4] == ZIP64_LOCATOR:
        (offset,) = struct.unpack("<Q", data[locator + 8 : locator + 16])
        if data[offset : offset + 4] != ZIP64_EOCD:
            raise Broken
        entries, size = struct.unpack("<QQ", data[offset + 32 : offset + 48])
    if size > limits.MAX_ZIP_DIRECTORY_BYTES or entries > limits.MAX_ZIP_DIRECTORY_BYTES // 46:
        raise limits.workbook_too_big()


def _no_dtd(*args) -> None:
    raise Broken  # OOXML parts have no DTD; refusing one rules out entity expansion


class _Workbook:
    def __init__(self, archive: zipfile.ZipFile) -> None:
        self.archive = archive
        self.unzipped = 0  # one budget of bytes and one of elements for all the parts read
        self.elements = 0
        self.attributes = 0

    def parse(
        self,
        name: str,
        start: Callable[[str, dict], None],
        end: Callable[[str], None] | None = None,
        text: Callable[[str], None] | None = None,
    ) -> None:
        """Stream one part through expat to the handlers (element names in full, namespace
        first: see sheet.local). The declared size is checked first, the bytes and the
        elements counted as they come, each piece before it is parsed."""
        info = self.archive.getinfo(name)
        if info.compress_type not in METHODS:
            raise Broken
        if self.unzipped + info.file_size > limits.MAX_UNZIPPED_BYTES:
            raise limits.workbook_too_big()
        parser = pyexpat.ParserCreate(namespace_separator="}")
        parser.SetParamEntityParsing(pyexpat.XML_PARAM_ENTITY_PARSING_NEVER)
        parser.StartDoctypeDeclHandler = _no_dtd
        parser.EntityDeclHandler = _no_dtd
        parser.buffer_text = True
        parser.StartElementHandler = start
        if end is not None:
            parser.EndElementHandler = end
        if text is not None:
            parser.CharacterDataHandler = text
        run = 0
        with self.archive.open(info) as stream:
            while chunk := stream.read(CHUNK):
                self.unzipped += len(chunk)
                self.elements += chunk.count(b"<") - chunk.count(b"</")  # start tags
                self.attributes += chunk.count(b"=")  # at most: text may hold some
                if (
                    self.unzipped > limits.MAX_UNZIPPED_BYTES
                    or self.elements > limits.MAX_XML_ELEMENTS
                    or self.attributes > limits.MAX_XML_ATTRIBUTES
                ):
                    raise limits.workbook_too_big()
                last = max(chunk.rfind(b"<"), chunk.rfind(b">"))
                run = run + len(chunk) if last < 0 else len(chunk) - 1 - last
                if run > limits.MAX_XML_TOKEN_BYTES:
                    raise limits.workbook_too_big()  # expat would hold the whole token
                parser.Parse(chunk, False)
        parser.Parse(b"", True)

    def relationships(self, part: str) -> dict[str, tuple[str, str]]:
        """{id: (last word of its type, part name)} from the part's .rels file."""
        folder, base = posixpath.split(part)
        found = {}

        def start(name: str, attrs: dict) -> None:
            if local(name) == "Relationship":
                target = attrs.get("Target", "")
                if target.startswith("/"):
                    path = target.lstrip("/")
                else:
                    path = posixpath.normpath(posixpath.join(folder, target))
                found[attrs.get("Id", "")] = (attrs.get("Type", "").rsplit("/", 1)[-1], path)

        self.parse(posixpath.join(folder, "_rels", base + ".rels"), start)
        return found

    def first_sheet(self) -> list[list[str]]:
        package = self.relationships("")
        main = next((path for kind, path in package.values() if kind == "officeDocument"), None)
        if main is None:
            raise Broken
        rels = self.relationships(main)
        sheet_ids: list[str] = []
        date1904 = False

        def start(name: str, attrs: dict) -> None:
            nonlocal date1904
            tag = local(name)
            if tag == "sheet":
                sheet_ids.extend(v for k, v in attrs.items() if local(k) == "id")
            elif tag == "workbookPr":
                date1904 = attrs.get("date1904", "").lower() in ("1", "true")

        self.parse(main, start)
        sheets = [rels[i][1] for i in sheet_ids if i in rels and rels[i][0] == "worksheet"]
        if not sheets:
            raise Broken
        parts = {kind: path for kind, path in rels.values()}
        strings = sheet.SharedStrings()
        if parts.get("sharedStrings") in self.archive.NameToInfo:
            self.parse(parts["sharedStrings"], strings.start, strings.end, strings.text)
        epoch = MAC_EPOCH if date1904 else WINDOWS_EPOCH
        cells = sheet.Sheet(strings.strings, self.date_styles(parts.get("styles")), epoch)
        self.parse(sheets[0], cells.start, cells.end, cells.text)
        return cells.rows

    def date_styles(self, part: str | None) -> dict[int, bool]:
        """{cell style index: is a duration} for the styles that show a number as a date."""
        if part not in self.archive.NameToInfo:
            return {}
        custom: dict[str, str] = {}
        formats: list[str] = []
        inside = [False]  # within <cellXfs>: the <xf> there are the cells' styles

        def start(name: str, attrs: dict) -> None:
            tag = local(name)
            if tag == "cellXfs":
                inside[0] = True
            elif tag == "xf" and inside[0]:
                formats.append(attrs.get("numFmtId", "0"))
            elif tag == "numFmt":
                custom[attrs.get("numFmtId", "")] = attrs.get("formatCode", "")

        def end(name: str) -> None:
            if local(name) == "cellXfs":
                inside[0] = False

        self.parse(part, start, end)
        dates = {}
        for index, number in enumerate(formats):
            builtin = int(number) if number.isdigit() and len(number) < 4 else -1
            code = custom.get(number) or BUILTIN_FORMATS.get(builtin)
            if is_date_format(code):
                dates[index] = is_timedelta_format(code)
        return dates
