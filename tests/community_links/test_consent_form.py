"""The referral form offers the student's guardians on file as the person who consented
(someone else is named by hand) and starts from the need the case records."""

from django.urls import reverse

from community_links.models import Referral
from tests.community_links.helpers import open_case, resource
from tests.factories import GuardianFactory


def form_url(case, *resources) -> str:
    ids = "&".join(f"resource={r.pk}" for r in resources)
    return reverse("community_links:referral_new", args=[case.pk]) + "?" + ids


def guardians_of(student):
    mother = GuardianFactory(first_name="Maria", last_name="Marquez", relationship="mother")
    uncle = GuardianFactory(
        first_name="Tomas", last_name="Ruiz", relationship="uncle", do_not_contact=True
    )
    for g in (mother, uncle):
        g.students.add(student)
    return mother, uncle


def post(client, case, res, **fields):
    data = {"resources": [res.pk], "share_name": "on", "share_need": "on"} | fields
    return client.post(reverse("community_links:referral_new", args=[case.pk]), data)


def test_the_guardians_on_file_are_offered_as_the_consenting_person(client, school_a):
    case, lead = open_case(school_a)
    mother, uncle = guardians_of(case.student)
    GuardianFactory(first_name="Not", last_name="Theirs")  # another student's guardian
    client.force_login(lead)
    response = client.get(form_url(case, resource()))
    choices = dict(response.context["form"].fields["consent_guardian"].choices)
    assert choices == {
        str(mother.pk): "Maria Marquez (mother)",
        str(uncle.pk): "Tomas Ruiz (uncle): don't contact home",
        "": "Someone else: write their name below",
    }
    assert "Which family member consented" in response.text
    assert 'id="guardian-names"' in response.text


def test_picking_a_guardian_records_the_familys_consent_under_their_name(client, school_a):
    case, lead = open_case(school_a)
    mother, _ = guardians_of(case.student)
    res = resource()
    client.force_login(lead)
    response = post(client, case, res, consent_guardian=mother.pk)
    assert response.status_code == 302, response.context["form"].errors
    referral = Referral.objects.get()
    assert referral.consent_by == Referral.ConsentBy.FAMILY
    assert referral.consent_name == "Maria Marquez"


def test_someone_else_is_named_by_hand(client, school_a):
    case, lead = open_case(school_a)
    guardians_of(case.student)
    res = resource()
    client.force_login(lead)
    refused = post(client, case, res, consent_guardian="", consent_by="family")
    assert refused.status_code == 400
    assert "Write the name of the person who consented." in refused.text
    assert not Referral.objects.exists()
    sent = post(client, case, res, consent_guardian="", consent_by="family", consent_name="Ana")
    assert sent.status_code == 302
    assert Referral.objects.get().consent_name == "Ana"


def test_a_guardian_cannot_be_the_students_own_consent(client, school_a):
    case, lead = open_case(school_a)
    mother, _ = guardians_of(case.student)
    client.force_login(lead)
    response = post(client, case, resource(), consent_guardian=mother.pk, consent_by="student")
    assert response.status_code == 400
    assert "A guardian gives the family" in response.text
    assert not Referral.objects.exists()


def test_a_guardian_of_another_student_is_not_a_choice(client, school_a):
    case, lead = open_case(school_a)
    stranger = GuardianFactory(first_name="Not", last_name="Theirs")
    client.force_login(lead)
    response = post(client, case, resource(), consent_guardian=stranger.pk, consent_by="family")
    assert response.status_code == 400
    assert not Referral.objects.exists()


def test_with_no_guardian_on_file_the_form_asks_who_and_the_name(client, school_a):
    case, lead = open_case(school_a)
    res = resource()
    client.force_login(lead)
    response = client.get(form_url(case, res))
    assert "consent_guardian" not in response.context["form"].fields
    refused = post(client, case, res)
    assert refused.status_code == 400
    assert set(refused.context["form"].errors) == {"consent_by", "consent_name"}


def test_the_need_starts_from_the_case(client, school_a, categories):
    case, lead = open_case(school_a)
    # Food insecurity comes before housing in the categories' order.
    case.needs.add(categories["housing"], categories["food-insecurity"])
    shelter = resource(name="Shelter", need="housing")
    client.force_login(lead)
    # The case's need the chosen resource helps with, even when it is not the case's first.
    form = client.get(form_url(case, shelter)).context["form"]
    assert form["need"].value() == categories["housing"].pk
    # A resource that helps with none of them: the case's first need, to be changed if wrong.
    clinic = resource(name="Clinic", need="health")
    form = client.get(form_url(case, clinic)).context["form"]
    assert form["need"].value() == categories["food-insecurity"].pk


def test_a_case_with_no_need_leaves_the_need_unsaid(client, school_a):
    case, lead = open_case(school_a)
    client.force_login(lead)
    form = client.get(form_url(case, resource())).context["form"]
    assert form["need"].value() is None
