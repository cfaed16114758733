from django.urls import include, path

from schoolwell.sso.oidc import views

# The names and paths allauth's own OpenID Connect provider uses (provider.get_login_url).
urlpatterns = [
    path(
        "oidc/<str:provider_id>/",
        include(
            [
                path("login/", views.login, name="openid_connect_login"),
                path("login/callback/", views.callback, name="openid_connect_callback"),
            ]
        ),
    )
]
