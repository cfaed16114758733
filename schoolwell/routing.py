"""Websocket routes. Every route here is in the role matrix test (tests/test_role_matrix.py).
The live queue's consumer arrives with the support-team issue."""

websocket_urlpatterns: list = []
