import pytest
from django.urls import reverse

from schoolwell import views


@pytest.mark.django_db
def test_healthz_reports_every_dependency(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"] == body["cache"] == body["channel_layer"] == "ok"
    assert body["tasks"] == "ImmediateBackend"


@pytest.mark.django_db
def test_healthz_answers_503_naming_the_broken_part(client, monkeypatch):
    def broken():
        raise ConnectionError("redis://secret-host:6379 refused")

    monkeypatch.setitem(views.HEALTH_CHECKS, "channel_layer", broken)
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    body = response.json()
    assert body["channel_layer"] == "error: ConnectionError"
    assert "secret-host" not in response.content.decode()


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.django_db
def test_healthz_is_green_on_postgresql_and_redis(client, settings):
    assert "redis" in settings.CACHES["default"]["BACKEND"].lower()
    response = client.get(reverse("healthz"))
    assert response.status_code == 200, response.content
