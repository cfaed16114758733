"""Keys are managed in the admin; the demo gets keys, a neighbour and a student who moved."""

from django.urls import reverse

from support_team.transfers import keys
from support_team.transfers.admin import PeerDistrictForm
from support_team.transfers.models import DistrictKeyPair
from tests.factories import DistrictFactory, UserFactory


def superuser():
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    user = UserFactory(is_staff=True, is_superuser=True)
    TOTP.activate(user, generate_totp_secret())
    return user


def test_adding_a_key_pair_in_the_admin_makes_keys_and_retires_the_old_pair(client, db):
    district = DistrictFactory()
    old = keys.keypair_create(district=district)
    client.force_login(superuser())
    response = client.post(
        reverse("admin:transfers_districtkeypair_add"), {"district": district.pk}
    )
    assert response.status_code == 302
    active = DistrictKeyPair.objects.get(district=district, active=True)
    assert active.pk != old.pk
    page = client.get(reverse("admin:transfers_districtkeypair_change", args=[active.pk]))
    assert keys.fingerprint(active.signing_public) in page.content.decode()
    assert active.signing_private_encrypted not in page.content.decode()


def test_a_peer_key_that_is_not_32_bytes_of_base64_is_refused(db):
    district = DistrictFactory()
    form = PeerDistrictForm(
        data={
            "district": district.pk,
            "identifier": "x",
            "name": "X",
            "signing_public": "not base64!",
            "encryption_public": "",
        }
    )
    assert not form.is_valid() and "signing_public" in form.errors
    good = keys.keypair_create(district=DistrictFactory()).signing_public
    form = PeerDistrictForm(
        data={
            "district": district.pk,
            "identifier": "x",
            "name": "X",
            "signing_public": good,
            "encryption_public": "",
        }
    )
    assert form.is_valid(), form.errors


def test_the_demo_seed_adds_keys_a_neighbour_and_one_move_once(db):
    from schoolwell.models import Enrollment
    from support_team.transfers import demo
    from support_team.transfers.models import PeerDistrict
    from tests.factories import SchoolFactory, enrolled_student

    district = DistrictFactory(sourced_id="demo-district")
    middle = SchoolFactory(district=district, sourced_id="demo-ms")
    SchoolFactory(district=district, sourced_id="demo-hs")
    student = enrolled_student(middle, grade="08")
    assert demo.seed() == {"transfer keys": 1, "peer districts": 1, "student moves": 1}
    assert demo.seed() == {"transfer keys": 0, "peer districts": 0, "student moves": 0}
    assert keys.active_keypair(district.pk) is not None
    assert PeerDistrict.objects.filter(district=district).count() == 1
    assert Enrollment.objects.get(student=student, end_date__isnull=True).school.sourced_id == (
        "demo-hs"
    )
