import pytest

from schoolwell.models import Category

CATEGORIES = [
    ("food-insecurity", "Food insecurity"),
    ("housing", "Housing"),
    ("health", "Health"),
    ("emotional-wellbeing", "Emotional wellbeing"),
    ("family-home", "Family or home"),
    ("academic", "Academic"),
]


@pytest.fixture(autouse=True)
def categories(db):
    """The starting categories (made by a data migration; made again when a run skips
    migrations)."""
    for order, (slug, name) in enumerate(CATEGORIES):
        Category.objects.get_or_create(slug=slug, defaults={"name": name, "order": order})
    return {c.slug: c for c in Category.objects.all()}
