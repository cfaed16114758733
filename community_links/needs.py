"""How the directory's words map to our need categories (schoolwell.Category) and languages to
one code each. Used by the HSDS import (taxonomy terms, services without terms) and search."""

import re

from community_links.models import Resource
from schoolwell.models import Category

# slug -> words that, in a taxonomy term or a service's name, mean that need.
KEYWORDS = {
    "food-insecurity": ("food", "meal", "pantry", "nutrition", "grocer", "snap", "wic", "comida"),
    "housing": ("housing", "shelter", "homeless", "rent", "eviction", "vivienda"),
    "health": ("health", "clinic", "medical", "dental", "vision", "doctor", "salud"),
    "emotional-wellbeing": ("counsel", "mental", "therapy", "wellbeing", "crisis", "grief"),
    "family-home": ("family", "parenting", "childcare", "domestic", "familia"),
    "substance-use": ("substance", "alcohol", "drug", "addiction", "recovery"),
    "academic": ("tutor", "academic", "literacy", "homework", "education"),
    "abuse-neglect": ("abuse", "neglect", "protective"),
    "bullying": ("bullying",),
    "attendance": ("attendance", "truancy"),
}

# ISO 639-2/3 and English names -> ISO 639-1, for the codes we search by.
LANGUAGE_ALIASES = {
    "eng": "en",
    "english": "en",
    "spa": "es",
    "spanish": "es",
    "español": "es",
    "fra": "fr",
    "fre": "fr",
    "french": "fr",
    "vie": "vi",
    "vietnamese": "vi",
    "zho": "zh",
    "chi": "zh",
    "chinese": "zh",
    "ara": "ar",
    "arabic": "ar",
    "urd": "ur",
    "urdu": "ur",
    "som": "so",
    "somali": "so",
    "tgl": "tl",
    "tagalog": "tl",
    "hmn": "hmn",
    "por": "pt",
    "portuguese": "pt",
    "rus": "ru",
    "russian": "ru",
}


def normalise_language(value: str) -> str:
    value = (value or "").strip().lower()
    return LANGUAGE_ALIASES.get(value, value.split("-")[0])


def guess_categories(text: str) -> list[Category]:
    words = (text or "").lower()
    slugs = [
        slug
        for slug, keys in KEYWORDS.items()
        if any(re.search(rf"\b{re.escape(k)}", words) for k in keys)
    ]
    if not slugs:
        return []
    return list(Category.objects.filter(slug__in=slugs, active=True))


def case_need(case, resources) -> Category | None:
    """The need a referral from this case is for: the first of the case's needs that the
    chosen resources help with, else the case's first need (the team can change it)."""
    needs = list(case.needs.filter(active=True))
    if not needs:
        return None
    served = set(
        Resource.needs.through.objects.filter(
            resource__in=resources, category__in=needs
        ).values_list("category_id", flat=True)
    )
    return next((n for n in needs if n.pk in served), needs[0])
