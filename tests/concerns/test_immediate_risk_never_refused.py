"""A concern marked immediate risk is always saved and urgent. Concerns have no submission
limit today; this keeps it so: a teacher who has logged many concerns in a row (a class
after an incident) still gets an immediate-risk concern through, and the leads alerted."""

import pytest
from django.core import mail
from django.urls import reverse

from concerns.models import Concern
from concerns.services import concern_intake
from schoolwell.models import Role
from support_team.models import Intake
from tests.concerns.test_concerns import form_data
from tests.factories import member

IN_A_ROW = 20


@pytest.mark.django_db
def test_an_immediate_risk_concern_after_many_in_a_row_is_saved_and_urgent(
    client, teacher_a, school_a, student_a, django_capture_on_commit_callbacks
):
    lead = member(Role.SAFEGUARDING_LEAD, school=school_a)
    client.force_login(teacher_a)
    for _ in range(IN_A_ROW):
        assert client.post(reverse("concerns:new"), form_data(student_a)).status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("concerns:new"), form_data(student_a, immediate_risk="on"))
    concern = Concern.objects.get(immediate_risk=True)
    assert response["Location"] == reverse("concerns:urgent", args=[concern.pk])
    assert concern_intake(concern).urgency == Intake.Urgency.URGENT
    assert [m.to for m in mail.outbox] == [[lead.email]]
    assert Concern.objects.count() == IN_A_ROW + 1
