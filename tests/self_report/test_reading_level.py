"""The student page reads at a grade 5 level in English (Flesch-Kincaid), counted over what
a student actually reads: the rendered check-in page and the confirmation page."""

import re
import uuid
from html.parser import HTMLParser

import pytest

GRADE_LIMIT = 5.0
VOWEL_GROUPS = re.compile(r"[aeiouy]+")


class Text(HTMLParser):
    """The visible words of <main>, one sentence per block element."""

    BLOCKS = {"p", "li", "h1", "h2", "legend", "label", "button", "summary", "td", "th"}

    def __init__(self):
        super().__init__()
        self.inside_main = False
        self.chunks: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "main":
            self.inside_main = True
        if tag in self.BLOCKS:
            self.chunks.append(". ")

    def handle_endtag(self, tag):
        if tag == "main":
            self.inside_main = False

    def handle_data(self, data):
        if self.inside_main:
            self.chunks.append(data)


def syllables(word: str) -> int:
    word = word.lower()
    count = len(VOWEL_GROUPS.findall(word))
    if word.endswith("e") and not word.endswith(("le", "ee")) and count > 1:
        count -= 1
    return max(count, 1)


def grade_level(text: str) -> float:
    sentences = [s for s in re.split(r"[.!?:]+\s", text) if re.search(r"[A-Za-z]", s)]
    words = re.findall(r"[A-Za-z']+", text)
    total = sum(syllables(w) for w in words)
    return 0.39 * len(words) / len(sentences) + 11.8 * total / len(words) - 15.59


def visible_text(html: str) -> str:
    parser = Text()
    parser.feed(html)
    return " ".join("".join(parser.chunks).split())


def test_the_formula_tells_easy_from_hard_text():
    assert grade_level("The cat sat on the mat. We like to play.") < 2
    assert (
        grade_level(
            "Comprehensive interdisciplinary evaluation necessitates collaborative "
            "institutional accountability mechanisms."
        )
        > 12
    )


@pytest.mark.django_db
def test_the_check_in_and_confirmation_pages_read_at_grade_five(client, check_in_page, pupil):
    user, _student = pupil
    client.force_login(user)
    page = visible_text(client.get("/self-report/").content.decode())
    response = client.post(
        "/self-report/",
        {"wellbeing": "3", "talk_when": "week", "idempotency_key": str(uuid.uuid4())},
    )
    done = visible_text(client.get(response["Location"]).content.decode())
    for name, text in (("check-in", page), ("confirmation", done)):
        level = grade_level(text)
        print(f"{name}: Flesch-Kincaid grade {level:.1f}")
        assert level <= GRADE_LIMIT, (name, level)
