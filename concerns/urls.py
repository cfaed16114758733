from django.urls import path

from concerns import views
from concerns.views import legacy_import
from schoolwell import converters  # noqa: F401  (registers <id:...>)

app_name = "concerns"

urlpatterns = [
    path("new/", views.concern_new, name="new"),
    path("students/", views.student_search, name="student_search"),
    path("mine/", views.my_concerns, name="mine"),
    path("<id:pk>/", views.concern_detail, name="detail"),
    path("<id:pk>/urgent/", views.concern_urgent, name="urgent"),
    path("<id:pk>/observations/", views.observation_new, name="observe"),
    path("import/", legacy_import.concern_import, name="import"),
    path("import/<id:pk>/", legacy_import.concern_import_detail, name="import_detail"),
    path(
        "import/template.xlsx",
        legacy_import.concern_import_template,
        {"kind": "xlsx"},
        name="import_template_xlsx",
    ),
    path(
        "import/template.csv",
        legacy_import.concern_import_template,
        {"kind": "csv"},
        name="import_template_csv",
    ),
]
