"""The starting list of concern categories (PRODUCT.md journey 1). Administrators edit it
afterwards; self-harm and abuse are always urgent."""

from django.db import migrations

CATEGORIES = [
    ("attendance", "Attendance", "Asistencia", False),
    ("academic", "Academic", "Académico", False),
    ("behaviour", "Behaviour", "Conducta", False),
    ("emotional-wellbeing", "Emotional wellbeing", "Bienestar emocional", False),
    ("family-home", "Family or home", "Familia o hogar", False),
    ("food-insecurity", "Food insecurity", "Falta de alimentos", False),
    ("housing", "Housing", "Vivienda", False),
    ("health", "Health", "Salud", False),
    ("bullying", "Bullying", "Acoso escolar", False),
    ("substance-use", "Substance use", "Consumo de sustancias", False),
    ("self-harm", "Self-harm or suicide risk", "Autolesión o riesgo de suicidio", True),
    ("abuse-neglect", "Abuse or neglect", "Abuso o negligencia", True),
    ("other", "Other", "Otro", False),
]


def add_categories(apps, schema_editor):
    Category = apps.get_model("concerns", "Category")
    for order, (slug, name, name_es, urgent) in enumerate(CATEGORIES):
        Category.objects.get_or_create(
            slug=slug,
            defaults={"name": name, "name_es": name_es, "always_urgent": urgent, "order": order * 10},
        )


class Migration(migrations.Migration):
    dependencies = [("concerns", "0001_initial")]
    operations = [migrations.RunPython(add_categories, migrations.RunPython.noop)]
