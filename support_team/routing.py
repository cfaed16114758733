"""The hub's websocket routes, gathered by schoolwell/routing.py."""

from django.urls import path

from support_team.consumers import QueueConsumer

websocket_urlpatterns = [
    path("ws/team/queue/", QueueConsumer.as_asgi()),
]
