"""The self-report page, its Spanish translation, a realistic service catalogue, risk phrases
and consent rules: what a district starts with, editable in the CMS afterwards; and one
check-in by the demo student, so the team has a student's own words to read. Idempotent."""

import uuid

from django.db import transaction
from wagtail.models import Locale, Page, Site

from schoolwell.demo import demo_email
from schoolwell.models import District, Service, Student
from self_report import demo_history as history
from self_report import risk_phrases
from self_report.models import ConsentRule, RiskPhrase, SelfReportPage
from self_report.services import Answers, self_report_submit

PAGE_EN = {
    "title": "Check in",
    "welcome": "<p>This page is just for you. Tell us how you are, and ask for help if you "
    "want it. You can ask for more than one thing.</p>",
    "wellbeing_question": "How are you this week?",
    "question_sleep": "Are you sleeping OK?",
    "question_eating": "Do you get enough to eat?",
    "question_adult": "Is there an adult at school you can talk to?",
    "services_intro": "Tick anything you would like help with.",
    "own_words_prompt": "Anything else you want to tell us? (You can leave this empty.)",
    "who_sees": "<p>Only the school's support team reads this: the counselor, social worker, "
    "nurse and psychologist. Your teachers and other students do not see it. If you tell us "
    "you might get hurt, we have to tell an adult who can keep you safe.</p>",
    "what_next": "<ul><li>An adult from the support team will read this within two school "
    "days.</li><li>If you asked to talk today, someone will find you today.</li><li>Come back "
    "to this page to see what is happening.</li></ul>",
    "crisis_help": '<ul><li>Call or text <a href="tel:988"><b>988</b></a> (Suicide and Crisis '
    'Lifeline), any time, free.</li><li>Text <b>HOME</b> to <a href="sms:741741"><b>741741</b>'
    '</a> (Crisis Text Line).</li><li>If you are in danger now, call <a href="tel:911"><b>911'
    "</b></a>.</li><li>At school: go to the front office or the counselor's "
    "room now. You will not be in trouble.</li></ul>",
}
PAGE_ES = {
    "title": "¿Cómo estás?",
    "welcome": "<p>Esta página es solo para ti. Cuéntanos cómo estás y pide ayuda si la "
    "quieres. Puedes pedir más de una cosa.</p>",
    "wellbeing_question": "¿Cómo estás esta semana?",
    "question_sleep": "¿Duermes bien?",
    "question_eating": "¿Tienes suficiente para comer?",
    "question_adult": "¿Hay un adulto en la escuela con quien puedas hablar?",
    "services_intro": "Marca todo lo que te gustaría recibir.",
    "own_words_prompt": "¿Algo más que quieras contarnos? (Puedes dejarlo vacío.)",
    "who_sees": "<p>Solo lo lee el equipo de apoyo de la escuela: consejería, trabajo social, "
    "enfermería y psicología. Tus maestros y otros estudiantes no lo ven. Si nos dices que "
    "alguien podría hacerte daño, tenemos que avisar a un adulto que pueda protegerte.</p>",
    "what_next": "<ul><li>Un adulto del equipo de apoyo lo leerá en dos días de escuela."
    "</li><li>Si pediste hablar hoy, alguien te buscará hoy.</li><li>Vuelve a esta página "
    "para ver qué está pasando.</li></ul>",
    "crisis_help": '<ul><li>Llama o escribe al <a href="tel:988"><b>988</b></a> (Línea de '
    "Prevención del Suicidio y Crisis), a cualquier hora, gratis.</li><li>Escribe <b>AYUDA</b> al "
    '<a href="sms:741741"><b>741741</b></a>.</li><li>Si estás en peligro ahora, llama al '
    '<a href="tel:911"><b>911</b></a>.</li><li>En la escuela: ve ahora a la '
    "oficina o con el consejero. No te vas a meter en problemas.</li></ul>",
}
# (name, description, name_es, description_es, min, max, provided by, discipline)
SERVICES = [
    (
        "Talk with a counselor",
        "Meet a counselor to talk about anything on your mind.",
        "Hablar con un consejero",
        "Habla con un consejero sobre lo que te preocupa.",
        "KG",
        "12",
        "school",
        "counselor",
    ),
    (
        "Help with schoolwork",
        "A tutor helps you catch up or understand a subject.",
        "Ayuda con las tareas",
        "Un tutor te ayuda a ponerte al día o a entender una materia.",
        "01",
        "12",
        "school",
        "administrator",
    ),
    (
        "A mentor",
        "An adult who meets you every week, just to check in and help.",
        "Un mentor",
        "Un adulto que se reúne contigo cada semana para apoyarte.",
        "04",
        "12",
        "partner",
        "social_worker",
    ),
    (
        "Food",
        "Snacks at school, or food to take home for the weekend.",
        "Comida",
        "Meriendas en la escuela o comida para llevar a casa el fin de semana.",
        "KG",
        "12",
        "partner",
        "social_worker",
    ),
    (
        "Clothes and shoes",
        "Clean clothes, a coat or shoes that fit, free.",
        "Ropa y zapatos",
        "Ropa limpia, un abrigo o zapatos de tu talla, gratis.",
        "KG",
        "12",
        "partner",
        "social_worker",
    ),
    (
        "Help with housing",
        "Help for your family if you have no steady place to live.",
        "Ayuda con la vivienda",
        "Ayuda para tu familia si no tienen un lugar fijo donde vivir.",
        "KG",
        "12",
        "partner",
        "social_worker",
    ),
    (
        "See the nurse or a clinic",
        "Health care, glasses, a dentist or a doctor.",
        "Ver a la enfermera o ir a una clínica",
        "Atención de salud, lentes, dentista o médico.",
        "KG",
        "12",
        "school",
        "nurse",
    ),
    (
        "Help with stress or worry",
        "Learn ways to feel calmer, alone or in a small group.",
        "Ayuda con el estrés o la preocupación",
        "Aprende a sentirte más tranquilo, solo o en grupo.",
        "03",
        "12",
        "school",
        "psychologist",
    ),
]


def ensure_locales() -> tuple[Locale, Locale]:
    english, _ = Locale.objects.get_or_create(language_code="en")
    spanish, _ = Locale.objects.get_or_create(language_code="es")
    return english, spanish


def ensure_site_root() -> Page:
    """The Wagtail root and site (made by Wagtail's migrations; made again here after a test
    flush)."""
    english, _ = ensure_locales()
    site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
    if site:
        return site.root_page
    root = Page.get_first_root_node() or Page.add_root(
        instance=Page(title="Root", slug="root", locale=english)
    )
    home = root.add_child(instance=Page(title="SchoolWell", slug="home", locale=english))
    Site.objects.create(
        hostname="localhost", root_page=home, is_default_site=True, site_name="SchoolWell"
    )
    return home


@transaction.atomic
def ensure_page() -> SelfReportPage:
    existing = SelfReportPage.objects.filter(locale__language_code="en").first()
    if existing:
        return existing
    home = ensure_site_root()
    _english, spanish = ensure_locales()
    page = home.add_child(instance=SelfReportPage(slug="self-report", **PAGE_EN))
    page.save_revision().publish()
    translation = page.copy_for_translation(spanish, copy_parents=True)
    for name, value in PAGE_ES.items():
        setattr(translation, name, value)
    translation.save_revision().publish()
    return page


@transaction.atomic
def ensure_catalogue() -> None:
    english, spanish = ensure_locales()
    for order, (name, text, name_es, text_es, low, high, by, discipline) in enumerate(SERVICES):
        common = {
            "min_grade": low,
            "max_grade": high,
            "provided_by": by,
            "discipline": discipline,
            "order": order * 10,
        }
        service, created = Service.objects.get_or_create(
            locale=english, name=name, defaults={"description": text, **common}
        )
        if created:
            translation = service.copy_for_translation(spanish)
            translation.name, translation.description = name_es, text_es
            translation.save()
    risk_phrases.add_defaults(RiskPhrase)  # made by a migration; again here after a test flush


def seed(*, seed: int = 2026) -> dict[str, int]:
    ensure_page()
    ensure_catalogue()
    # Riverbend's policy: under-14s need a guardian's consent for the mentor and the clinic.
    made = 0
    for district in District.objects.all():
        for name in ("A mentor", "See the nurse or a clinic"):
            service = Service.objects.get(locale__language_code="en", name=name)
            _rule, created = ConsentRule.objects.get_or_create(
                district=district, service=service, defaults={"min_age_without_consent": 14}
            )
            made += created
    # The demo student's own check-in first: it is today's, the history's are all earlier.
    checkins = _demo_check_in(seed)
    return {"consent rules": made, "check-ins": checkins, "past check-ins": history.seed(seed=seed)}


def _demo_check_in(seed: int) -> int:
    """The demo student's check-in (made through the service, so it is one queue item with
    its chronology line, as a real one is). None if they have checked in already."""
    student = Student.objects.filter(user__email=demo_email("student")).first()
    enrollment = student and student.enrollments.filter(end_date__isnull=True).first()
    if enrollment is None or student.self_reports.exists():
        return 0
    food = Service.objects.get(locale__language_code="en", name="Food")
    self_report_submit(
        student=student,
        school=enrollment.school,
        language="en",
        answers=Answers(
            wellbeing=2,
            sleep="sometimes",
            eating="no",
            trusted_adult="yes",
            services=[food],
            talk_when="week",
            talk_with="counselor",
            own_words="We ran out of food at home on Thursday and I was too hungry to think "
            "in maths. My mum says it will be better next week.",
        ),
        idempotency_key=uuid.UUID(int=seed),
    )
    return 1
