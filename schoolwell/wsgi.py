import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "schoolwell.settings")
# HTTP workers keep their database connection between requests (checked before reuse:
# settings.py's conn_health_checks); the ASGI processes do not (Django's advice for ASGI).
os.environ.setdefault("DB_CONN_MAX_AGE", "60")
application = get_wsgi_application()
