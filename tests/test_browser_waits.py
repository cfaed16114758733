"""Browser tests wait through Playwright's locators, never `page.wait_for_function`.

Every page sends `Content-Security-Policy: script-src 'self'` (schoolwell/middleware.py).
`wait_for_function` turns its string into a function with eval in the page: its first check
runs inside the DevTools call, which the policy lets through, but every later poll is refused
("EvalError ... 'unsafe-eval' is not an allowed source of script"). So the wait passes when
its condition already holds and fails when it has to wait, which is exactly the case it is
for; one CI run failed that way in tests/e2e/test_queue_fan_out.py. A locator's `expect`
polls in Playwright's own isolated world, where the page's policy does not reach."""

import re
from pathlib import Path

E2E = Path(__file__).resolve().parent / "e2e"


def test_no_browser_test_waits_by_evaluating_a_string_in_the_page():
    found = [
        f"{path.name}:{number}"
        for path in sorted(E2E.glob("*.py"))
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if re.search(r"\bwait_for_function\s*\(", line)
    ]
    assert E2E.is_dir() and len(list(E2E.glob("test_*.py"))) > 10
    assert found == [], f"wait with expect(locator) instead: {found}"
