from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from community_links.urls import partner_urlpatterns
from schoolwell import cms_access, converters, views  # noqa: F401  (converters: <id:...>)
from schoolwell.views import media, roster

# The admin signs in through allauth, so rate limits and MFA apply there too.
admin.site.login = secure_admin_login(admin.site.login)
admin.site.site_header = "SchoolWell administration"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("cms/login/", cms_access.cms_login, name="wagtail_admin_login"),
    path("cms/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("media/<path:name>", media.media, name="media"),
    path("roster/import/", roster.roster_import, name="roster_import"),
    path("roster/import/<id:pk>/", roster.roster_import_detail, name="roster_import_detail"),
    path("sign-in/", include("schoolwell.sso.urls")),
    path("team/", include("support_team.urls")),
    path("transfers/", include("support_team.transfers.urls")),
    path("trends/", include("schoolwell.trends.urls")),
    path("concerns/", include("concerns.urls")),
    path("resources/", include("community_links.urls")),
    path("partners/", include((partner_urlpatterns, "partners"))),
    # /self-report/ itself is the Wagtail page; these are the app's own pages beside it.
    path("check-in/", include("self_report.urls")),
    # Wagtail serves the editable pages (the self-report page) last.
    # Wagtail's own front-end login would bypass allauth's MFA and rate limits.
    path(
        "_util/login/",
        RedirectView.as_view(pattern_name="account_login", query_string=True),
        name="wagtail_frontend_login",
    ),
    path("", include(wagtail_urls)),
]
