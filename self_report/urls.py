from django.urls import path

from self_report import views

app_name = "self_report"

urlpatterns = [
    path("", views.home, name="home"),
    path("sent/<int:pk>/", views.done, name="done"),
]
