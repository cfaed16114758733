from django.urls import path

from community_links.views import team

app_name = "community_links"

urlpatterns = [
    path("", team.directory, name="directory"),
    path("referrals/case/<int:case_id>/", team.case_panel, name="case_referrals"),
    path("referrals/case/<int:case_id>/new/", team.referral_new, name="referral_new"),
    path("referrals/caseload/", team.caseload_panel, name="caseload_referrals"),
    path("referrals/<int:pk>/status/", team.referral_status, name="referral_status"),
    path("referrals/<int:pk>/link/", team.referral_link, name="referral_link"),
]
