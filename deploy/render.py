"""Fill the @NAME@ placeholders of a deploy/ template (the nginx site), standard library only.

    python3 deploy/render.py deploy/nginx/schoolwell.conf PORT=80 \\
        SERVER_NAME=schoolwell.example.org \\
        STATIC_ROOT=/var/www/schoolwell/static GUNICORN=127.0.0.1:8000 \\
        ASGI_1=127.0.0.1:8101 ASGI_2=127.0.0.1:8102 > /etc/nginx/sites-available/schoolwell

A placeholder is @ + capital letters, digits or underscores + @. Every one must be given a
value: a template rendered with a placeholder left in it is refused, never written half-done.
The smoke test (tests/test_deploy.py) renders the same file the same way."""

from __future__ import annotations

import re
import sys
from collections.abc import Mapping
from pathlib import Path

PLACEHOLDER = re.compile(r"@([A-Z][A-Z0-9_]*)@")


class RenderError(ValueError):
    """A placeholder without a value, or a value that would break the file."""


def placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))


def render_text(text: str, values: Mapping[str, object]) -> str:
    missing = sorted(placeholders(text) - set(values))
    if missing:
        raise RenderError(f"no value for {', '.join('@' + name + '@' for name in missing)}")
    for name, value in values.items():
        if "\n" in str(value) or ";" in str(value):
            raise RenderError(f"the value of {name} may not hold a newline or a semicolon")
    return PLACEHOLDER.sub(lambda match: str(values[match.group(1)]), text)


def render(template_path: str | Path, values: Mapping[str, object]) -> str:
    """The template at `template_path` with every @NAME@ replaced by values[NAME]."""
    return render_text(Path(template_path).read_text(), values)


def main(argv: list[str]) -> int:
    if len(argv) < 2 or any("=" not in arg for arg in argv[2:]):
        print(f"usage: {argv[0]} TEMPLATE NAME=value ...", file=sys.stderr)
        return 2
    values = dict(arg.split("=", 1) for arg in argv[2:])
    try:
        sys.stdout.write(render(argv[1], values))
    except RenderError as exc:
        print(f"{argv[1]}: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
