import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "schoolwell.settings")
django_asgi_app = get_asgi_application()

# Imported after Django is set up: the routes import models.
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from schoolwell.handshakes import socket_stack  # noqa: E402
from schoolwell.routing import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": AllowedHostsOriginValidator(socket_stack(URLRouter(websocket_urlpatterns))),
    }
)
