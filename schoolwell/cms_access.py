"""/cms/login/: where Wagtail sends anyone it turns away from the content editor.

Someone signed out goes to the one sign-in page (allauth: rate limits, second step). Someone
signed in is here because they have no editor rights: sending them to sign in again would
bounce them straight back to /cms/, and Wagtail back here, forever. They get a 403 page that
says so, with a way back to their own home."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme


def cms_login(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        query = request.META.get("QUERY_STRING", "")
        return redirect(reverse("account_login") + (f"?{query}" if query else ""))
    if request.user.has_perm("wagtailadmin.access_admin"):
        target = request.GET.get("next", "")
        safe = url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
        return redirect(target if safe and target else "wagtailadmin_home")
    return render(request, "schoolwell/cms_forbidden.html", status=403)
