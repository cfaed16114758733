from django.urls import path

from community_links.views import partners, resources, team
from schoolwell import converters  # noqa: F401  (registers <id:...>)

# The team's directory and referrals, under /resources/ ...
app_name = "community_links"

urlpatterns = [
    path("", team.directory, name="directory"),
    path("<id:pk>/", resources.resource_page, name="resource"),
    path("referrals/case/<id:case_id>/", team.case_panel, name="case_referrals"),
    path("referrals/case/<id:case_id>/new/", team.referral_new, name="referral_new"),
    path("referrals/caseload/", team.caseload_panel, name="caseload_referrals"),
    path("referrals/<id:pk>/status/", team.referral_status, name="referral_status"),
    path("referrals/<id:pk>/link/", team.referral_link, name="referral_link"),
]

# ... and the partner portal with its signed links, under /partners/ (namespace "partners",
# given where the project URLconf includes this list).
partner_urlpatterns = [
    path("", partners.home, name="home"),
    path("referrals/<id:pk>/", partners.referral, name="referral"),
    path("link/<str:token>/", partners.link, name="link"),
    path("resources/", partners.resources, name="resources"),
    path("resources/<id:pk>/", partners.resource_edit, name="resource_edit"),
]
