"""The demo directory seeds idempotently and links the demo partner to the food bank."""

from community_links import demo
from community_links.models import PartnerStaff, Resource, SchoolLocation
from schoolwell import demo as core_demo


def test_demo_seed_is_idempotent_and_links_the_partner(db):
    core_demo.seed()
    demo.seed()
    count = Resource.objects.count()
    assert count >= len(demo.RESOURCES)
    demo.seed()
    assert Resource.objects.count() == count
    link = PartnerStaff.objects.get(user__email="partner@riverbend.example")
    assert link.organization.name == "Riverbend Community Food Bank"
    assert SchoolLocation.objects.count() == 3
    pantry = Resource.objects.get(name="Family Food Pantry")
    assert "es" in pantry.languages
    assert pantry.needs.filter(slug="food-insecurity").exists()
