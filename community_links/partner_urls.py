from django.urls import path

from community_links.views import partners
from schoolwell import converters  # noqa: F401  (registers <id:...>)

app_name = "partners"

urlpatterns = [
    path("", partners.home, name="home"),
    path("referrals/<id:pk>/", partners.referral, name="referral"),
    path("link/<str:token>/", partners.link, name="link"),
    path("resources/", partners.resources, name="resources"),
    path("resources/<id:pk>/", partners.resource_edit, name="resource_edit"),
]
