"""The pull page: an editor reads OS2mo into a new structure as a background job."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse

from orgreg.roles import editor_required, policy

from . import selectors, tasks
from .forms import PullForm


@editor_required
def pull_page(request, pk):
    """The form (date, draft or in force, hierarchy, top unit) and the latest pulls; a valid
    form starts the pull as a job and shows its progress."""
    viewer = policy(request.user)
    organisation = viewer.get_organisation_or_404(pk)
    if not viewer.can_pull_from_os2mo:
        raise Http404("OS2mo er ikke sat op.")
    form = PullForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        job = tasks.start_pull(request.user, form.params(organisation))
        return redirect(reverse("job-detail", args=[job.pk]))
    return render(request, "os2mo/pull.html", {
        "organisation": organisation, "form": form,
        "pulls": selectors.recent_pulls(request.user, organisation),
    }, status=422 if form.is_bound else 200)
