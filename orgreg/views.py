"""The project's own error views: what Django would answer in English, told in Danish in the
site's layout."""

from django.shortcuts import render


def csrf_failure(request, reason: str = ""):
    """A form sent without a valid CSRF token (often an old tab after logging in again): a
    Danish 403 in the site's layout that says what to do, never Django's English page. The
    reason is for developers and is not shown."""
    return render(request, "403_csrf.html", status=403)
