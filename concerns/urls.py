from django.urls import path

from concerns import import_views, views

app_name = "concerns"

urlpatterns = [
    path("new/", views.concern_new, name="new"),
    path("students/", views.student_search, name="student_search"),
    path("mine/", views.my_concerns, name="mine"),
    path("<int:pk>/", views.concern_detail, name="detail"),
    path("<int:pk>/urgent/", views.concern_urgent, name="urgent"),
    path("<int:pk>/observations/", views.observation_new, name="observe"),
    path("import/", import_views.concern_import, name="import"),
    path("import/<int:pk>/", import_views.concern_import_detail, name="import_detail"),
]
