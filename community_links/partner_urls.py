from django.urls import path

from community_links.views import partners

app_name = "partners"

urlpatterns = [
    path("", partners.home, name="home"),
    path("referrals/<int:pk>/", partners.referral, name="referral"),
    path("link/<str:token>/", partners.link, name="link"),
    path("resources/", partners.resources, name="resources"),
    path("resources/<int:pk>/", partners.resource_edit, name="resource_edit"),
]
