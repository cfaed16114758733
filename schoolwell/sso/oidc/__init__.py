"""The login and callback views of the strict OpenID Connect provider (allauth includes
this package's urls.py under /accounts/)."""
