"""The risk phrases every installation starts with. A student who writes one of these in
their own words gets crisis help on the page at once, and the team an urgent item, exactly
as if they had ticked a safety box (services.signals_risk).

Before these shipped, the list came only with the demo data: a district that started
without it had no phrases at all, and "I want to kill myself" typed in the free-text box
entered the queue as an ordinary check-in, read within two school days. The safeguarding
leads still own the list in the CMS (Snippets, Risk phrases); adding the defaults never
changes or re-adds what they edited, past the first migration.

Matched as parts of the folded text (case, accents and runs of spaces ignored; a curly
apostrophe is a straight one), so "quiero morir" also finds "me quiero morir" and "Quiero
morirme". Each phrase is specific enough that a student's ordinary week does not match it;
a phrase that the leads find too noisy is theirs to remove."""

ENGLISH = [
    "kill myself",
    "killing myself",
    "want to die",
    "wanna die",
    "want to be dead",
    "wish i was dead",
    "wish i were dead",
    "better off dead",
    "better off without me",
    "end my life",
    "end it all",
    "take my own life",
    "suicide",
    "suicidal",
    "don't want to live",
    "dont want to live",
    "do not want to live",
    "don't want to be alive",
    "no reason to live",
    "hurt myself",
    "hurting myself",
    "harm myself",
    "self harm",
    "self-harm",
    "cut myself",
    "cutting myself",
    "hang myself",
    "overdose",
    "not safe at home",
    # The safety box's own words typed out ("I do not feel safe at home"), which "not safe at
    # home" does not contain.
    "not feel safe",
    "don't feel safe",
    "scared to go home",
    "afraid to go home",
    "hits me",
    "beats me",
    "touches me",
]

SPANISH = [
    "matarme",
    "quiero morir",
    "no quiero vivir",
    "no quiero seguir viviendo",
    "no quiero estar vivo",
    "no quiero estar viva",
    "quitarme la vida",
    "acabar con mi vida",
    "suicidar",
    "suicidio",
    "mejor muerto",
    "mejor muerta",
    "hacerme daño",
    "lastimarme",
    "cortarme",
    "no estoy seguro en casa",
    "no estoy segura en casa",
    "no me siento seguro en casa",
    "no me siento segura en casa",
    "no me siento seguro/a en casa",
    "miedo de ir a casa",
    "miedo de volver a casa",
    "me pega",
    "me golpea",
    "me toca",
]

DEFAULTS: list[tuple[str, str]] = [(p, "en") for p in ENGLISH] + [(p, "es") for p in SPANISH]


def add_defaults(risk_phrase_model) -> int:
    """Add each default phrase that is not there yet; what is there is left as it is. Takes
    the model so that the migration can pass its historical one. Returns how many it added."""
    existing = set(risk_phrase_model.objects.values_list("phrase", flat=True))
    missing = [
        risk_phrase_model(phrase=phrase, language=language)
        for phrase, language in DEFAULTS
        if phrase not in existing
    ]
    risk_phrase_model.objects.bulk_create(missing)
    return len(missing)
