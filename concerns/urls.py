from django.urls import path

from concerns import import_views, views
from schoolwell import converters  # noqa: F401  (registers <id:...>)

app_name = "concerns"

urlpatterns = [
    path("new/", views.concern_new, name="new"),
    path("students/", views.student_search, name="student_search"),
    path("mine/", views.my_concerns, name="mine"),
    path("<id:pk>/", views.concern_detail, name="detail"),
    path("<id:pk>/urgent/", views.concern_urgent, name="urgent"),
    path("<id:pk>/observations/", views.observation_new, name="observe"),
    path("import/", import_views.concern_import, name="import"),
    path("import/<id:pk>/", import_views.concern_import_detail, name="import_detail"),
    path(
        "import/template.xlsx",
        import_views.concern_import_template,
        {"kind": "xlsx"},
        name="import_template_xlsx",
    ),
    path(
        "import/template.csv",
        import_views.concern_import_template,
        {"kind": "csv"},
        name="import_template_csv",
    ),
]
