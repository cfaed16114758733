from django.urls import path

from schoolwell.sso import views

app_name = "sso"
urlpatterns = [
    path("provider/", views.provider, name="provider"),
    path("accounts/", views.accounts, name="accounts"),
]
