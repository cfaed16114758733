"""Single sign-on (OpenID Connect) support."""
