"""Demo data for transfer packets (seed_demo runs it after support_team's demo): transfer keys
for the demo district, a neighbouring district's public keys, and one Maple Middle student
who has just moved to Riverbend High, so /transfers/ offers "Start packet". Idempotent."""

import datetime

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from django.db import transaction

from schoolwell import demo as core_demo
from schoolwell.models import District, Enrollment, School, Student
from support_team.transfers import keys
from support_team.transfers.models import PeerDistrict

PEER_ID = "demo-lakeside"


@transaction.atomic
def seed(*, seed: int = 2026) -> dict[str, int]:
    district = District.objects.filter(sourced_id=core_demo.DISTRICT_ID).first()
    if district is None:
        return {}
    made = {"transfer keys": 0, "peer districts": 0, "student moves": 0}
    if keys.active_keypair(district.pk) is None:
        keys.keypair_create(district=district)
        made["transfer keys"] = 1
    # The neighbour's private keys live at the neighbour; we only ever hold its public keys.
    _, created = PeerDistrict.objects.get_or_create(
        district=district,
        identifier=PEER_ID,
        defaults={
            "name": "Lakeside County Schools",
            "signing_public": keys.b64(keys.raw_public(Ed25519PrivateKey.generate().public_key())),
            "encryption_public": keys.b64(
                keys.raw_public(X25519PrivateKey.generate().public_key())
            ),
            "contact_email": "safeguarding@lakeside.example",
        },
    )
    made["peer districts"] = int(created)
    made["student moves"] = _move_one_student(district)
    return made


MOVE_REASON = "Moved to Riverbend High"


def _move_one_student(district: District) -> int:
    middle = School.objects.filter(sourced_id="demo-ms").first()
    high = School.objects.filter(sourced_id="demo-hs").first()
    if middle is None or high is None:
        return 0
    # Last year's roster already ended some enrollments; the demo move is recognised by its
    # exit reason, so a second run moves nobody.
    if Enrollment.objects.filter(school=middle, exit_reason=MOVE_REASON).exists():
        return 0
    student = (
        Student.objects.filter(
            district=district,
            grade="08",
            user__isnull=True,
            enrollments__school=middle,
            enrollments__end_date__isnull=True,
        )
        .order_by("pk")
        .first()
    )
    if student is None:
        return 0
    today = datetime.date.today()
    moved = student.enrollments.filter(school=middle, end_date__isnull=True).first()
    moved.end_date, moved.exit_reason = today, MOVE_REASON
    moved.save()
    Enrollment.objects.create(student=student, school=high, start_date=today)
    student.mckinney_vento = True
    student.save()
    return 1
