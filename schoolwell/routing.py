"""Websocket routes. Every route here is in the role matrix test (tests/test_role_matrix.py)."""

from django.urls import path

from support_team.consumers import QueueConsumer

websocket_urlpatterns = [
    path("ws/team/queue/", QueueConsumer.as_asgi()),
]
