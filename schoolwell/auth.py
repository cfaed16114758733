"""Sign-in rules on top of allauth: accounts come from the roster, never from self sign-up;
signing out clears the browser's copy of the site."""

from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False
