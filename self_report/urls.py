from django.urls import path

from schoolwell import converters  # noqa: F401  (registers <id:...>)
from self_report import views
from self_report.views import team

app_name = "self_report"

urlpatterns = [
    path("", views.home, name="home"),
    path("sent/<id:pk>/", views.done, name="done"),
    # The team's side: a check-in read whole, and as a panel of the intake page.
    path("team/<id:pk>/", team.checkin, name="checkin"),
    path("team/<id:pk>/panel/", team.checkin_panel, name="checkin_panel"),
]
