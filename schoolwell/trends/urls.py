from django.urls import path

from schoolwell.trends import views

app_name = "trends"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("api/v1/tables/", views.api_tables, name="api"),
    path("<slug:key>.csv", views.table_csv, name="csv"),
]
