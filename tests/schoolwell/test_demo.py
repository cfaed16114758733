import io

import pytest
from django.core.management import call_command

from schoolwell import demo, permissions
from schoolwell.models import Enrollment, Guardian, Membership, Role, School, Student, User


@pytest.mark.django_db
def test_the_demo_district_is_realistic_and_seeding_twice_changes_nothing():
    call_command("seed_demo", stdout=io.StringIO())
    counts = [m.objects.count() for m in (Student, Enrollment, Guardian, Membership, User, School)]
    histories = [m.history.count() for m in (Student, Enrollment, Guardian, Membership, User)]
    call_command("seed_demo", stdout=io.StringIO())
    assert [
        m.objects.count() for m in (Student, Enrollment, Guardian, Membership, User, School)
    ] == counts
    assert [
        m.history.count() for m in (Student, Enrollment, Guardian, Membership, User)
    ] == histories
    assert Student.objects.count() == 1500
    assert set(School.objects.values_list("level", flat=True)) == {"elementary", "middle", "high"}
    # two school years: last year's feeder-school enrollments ended with a reason
    assert Enrollment.objects.filter(end_date__isnull=False, exit_reason="Promoted").exists()
    assert Student.objects.filter(mckinney_vento=True).exists()
    assert Guardian.objects.filter(do_not_contact=True).exists()


@pytest.mark.django_db
def test_there_is_one_demo_account_per_role_and_staff_have_mfa():
    demo.seed()
    roles = set()
    for local, *_rest, role, _discipline in demo.DEMO_ACCOUNTS:
        user = User.objects.get(email=demo.demo_email(local))
        roles |= permissions.roles(user)
        assert permissions.requires_mfa(user) == (role != Role.STUDENT)
        assert user.check_password("schoolwell-demo-2026")
    assert roles == set(Role.values)
    assert User.objects.get(email=demo.demo_email("student")).student is not None


HISTORY = [
    "concerns.Concern",
    "self_report.SelfReport",
    "self_report.SelfReportRequest",
    "support_team.Intake",
    "support_team.Case",
    "support_team.CaseMember",
    "support_team.Goal",
    "support_team.Intervention",
    "community_links.Referral",
    "community_links.ReferralUpdate",
]


@pytest.mark.django_db
def test_every_trends_chart_has_shape_in_the_demo_and_the_history_is_made_once(client):
    """Issue 15: a new user opening the trends (default range) sees every chart drawn: none
    empty, none all suppressed (each needs cells about 10 students or more)."""
    from django.apps import apps
    from django.urls import reverse

    call_command("seed_demo", stdout=io.StringIO())
    models = [apps.get_model(label) for label in HISTORY]
    counts = [(m.objects.count(), m.history.count()) for m in models]
    call_command("seed_demo", stdout=io.StringIO())
    assert [(m.objects.count(), m.history.count()) for m in models] == counts
    client.force_login(User.objects.get(email=demo.demo_email("analyst")))
    page = client.get(reverse("trends:dashboard")).content.decode()
    sections = page.split('<section class="trends-section" id="t-')[1:]
    keys = [s.split('"')[0] for s in sections]
    assert {"services", "support", "caseload", "referrals", "tiers", "needs"} <= set(keys)
    for key, body in zip(keys, sections, strict=True):
        body = body.split("</section>")[0]
        assert "Nothing was recorded" not in body, key
        assert "Too few students in this selection" not in body, key
        assert f'data-figure="figure-{key}"' in body, key
