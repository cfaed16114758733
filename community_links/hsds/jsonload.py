"""Parse JSON keeping the line every object starts on, within the caps of limits.py: at most
`budget` values (what is left of the package's MAX_JSON_VALUES) and MAX_JSON_DEPTH levels,
counted while parsing, so a file built to exhaust memory, time or the stack stops at the cap
instead of after it has been built."""

import json
import json.decoder
import json.scanner

from community_links.hsds import limits


class LineDict(dict):
    """A JSON object that knows the line it starts on."""

    __slots__ = ("line",)


class JsonRefused(ValueError):
    pass


def load_json(text: str, budget: int) -> tuple[object, int]:
    """The value of a JSON document (its objects as LineDicts) and how many values it has.
    Raises ValueError with a message that begins "line N: " for bad JSON, for more than
    `budget` values, or for nesting deeper than MAX_JSON_DEPTH."""
    parser = _Parser(text, budget)
    return parser.parse(), parser.values


class _Parser:
    def __init__(self, text: str, budget: int):
        self.text = text
        self.budget = budget
        # The line of text[pos]: objects and values are met in text order, so this cursor only
        # moves forward and finding every line costs one pass over the text.
        self.pos, self.line = 0, 1
        self.last = 0
        self.depth = 0
        self.values = 0
        self._inner = self._wrapped = None
        decoder = json.JSONDecoder(parse_constant=self._constant)
        decoder.parse_object = self._object
        decoder.parse_array = self._array
        decoder.scan_once = json.scanner.py_make_scanner(decoder)
        self.decoder = decoder

    def parse(self):
        text = self.text
        try:
            value, end = self.decoder.raw_decode(text, json.decoder.WHITESPACE.match(text).end())
        except json.JSONDecodeError as exc:
            raise ValueError(f"line {exc.lineno}: not valid JSON ({exc.msg})") from None
        except JsonRefused:
            raise
        except (ValueError, RecursionError) as exc:
            # int() refusing a number of thousands of digits, or (despite the depth cap) a
            # stack already deep: a message, never a traceback.
            raise ValueError(f"line {self.line_at(self.last)}: not valid JSON ({exc})") from None
        if text[end:].strip():
            raise ValueError(f"line {self.line_at(end)}: unexpected text after JSON")
        return value

    def line_at(self, index: int) -> int:
        if index < self.pos:
            return self.text.count("\n", 0, index) + 1
        self.line += self.text.count("\n", self.pos, index)
        self.pos = index
        return self.line

    def _counted(self, scan_once):
        """scan_once counting every value it reads (the scanner passes the same scan_once
        to every object and array, so the counting one is made once)."""
        if scan_once is self._inner:
            return self._wrapped

        def scan(s, idx):
            self.values += 1
            self.last = idx
            if self.values > self.budget:
                raise JsonRefused(
                    f"line {self.line_at(idx)}: more values than one import takes "
                    f"({limits.MAX_JSON_VALUES:,} in all its JSON; import the directory in parts)"
                )
            return scan_once(s, idx)

        self._inner, self._wrapped = scan_once, scan
        return scan

    def _enter(self, index: int) -> None:
        self.depth += 1
        if self.depth > limits.MAX_JSON_DEPTH:
            raise JsonRefused(
                f"line {self.line_at(index)}: nested more than {limits.MAX_JSON_DEPTH} levels deep"
            )

    def _object(self, s_and_end, strict, scan_once, object_hook, object_pairs_hook, memo=None):
        start = s_and_end[1] - 1
        line = self.line_at(start)
        self._enter(start)
        try:
            result, end = json.decoder.JSONObject(
                s_and_end, strict, self._counted(scan_once), None, LineDict, memo
            )
        finally:
            self.depth -= 1
        result.line = line
        return result, end

    def _array(self, s_and_end, scan_once):
        self._enter(s_and_end[1] - 1)
        try:
            return json.decoder.JSONArray(s_and_end, self._counted(scan_once))
        finally:
            self.depth -= 1

    def _constant(self, name: str):
        raise JsonRefused(
            f"line {self.line_at(self.last)}: not valid JSON ({name} is not a JSON number)"
        )
