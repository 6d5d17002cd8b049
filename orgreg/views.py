"""The project's own error views: what Django would answer in English, told in Danish in the
site's layout, and the header's search over every app."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from orgreg.search import find_anything


def csrf_failure(request, reason: str = ""):
    """A form sent without a valid CSRF token (often an old tab after logging in again): a
    Danish 403 in the site's layout that says what to do, never Django's English page. The
    reason is for developers and is not shown."""
    return render(request, "403_csrf.html", status=403)


@login_required
def search(request):
    """Find anything (the header's search field): one page of the units, MED bodies and
    milestones the user may see that match `q`, grouped by kind."""
    query = (request.GET.get("q") or "").strip()[:200]
    result = find_anything(request.user, query) if query else None
    return render(request, "orgreg/search.html", {"query": query, "result": result})
