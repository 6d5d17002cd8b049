"""The pull in the browser: the button on the organisation page (editors only, once OS2mo
is set up), the form, the job with its progress and where it leads."""

from __future__ import annotations

import pytest
from django.urls import reverse

from orgreg.models import Job
from os2mo.models import Pull
from units.models import Status

BUTTON = "Hent fra OS2mo"


def pull_url(organisation):
    return reverse("os2mo:pull", args=[organisation.pk])


def test_editors_see_the_button(client, editor, organisation, os2mo_server):
    client.force_login(editor)
    page = client.get(organisation.get_absolute_url()).content.decode()
    assert BUTTON in page and pull_url(organisation) in page


@pytest.mark.parametrize("who", ["reader", "manager", "med_member"])
def test_others_see_no_button_and_get_404(who, request, client, organisation, os2mo_server):
    client.force_login(request.getfixturevalue(who))
    assert BUTTON not in client.get(organisation.get_absolute_url()).content.decode()
    assert client.get(pull_url(organisation)).status_code == 404
    assert client.post(pull_url(organisation), {"mode": "draft"}).status_code == 404
    assert not Job.objects.exists()


def test_no_button_while_os2mo_is_not_set_up(client, editor, organisation, settings):
    settings.OS2MO_URL = ""
    client.force_login(editor)
    assert BUTTON not in client.get(organisation.get_absolute_url()).content.decode()
    assert client.get(pull_url(organisation)).status_code == 404


def test_pull_runs_as_a_job_and_leads_to_the_comparison(client, editor, organisation,
                                                         os2mo_server):
    os2mo_server.load_sample("kommune")
    client.force_login(editor)
    assert client.get(pull_url(organisation)).status_code == 200
    response = client.post(pull_url(organisation), {
        "on_date": "2025-01-02", "mode": "in_force", "hierarchy": "Linjeorganisation"})
    job = Job.objects.get()
    assert response.url == reverse("job-detail", args=[job.pk])
    page = client.get(response.url, follow=True)
    assert job.__class__.objects.get().state == Job.State.DONE
    first = Pull.objects.get()
    assert first.structure.status == Status.APPROVED and first.pulled_by == editor
    assert page.redirect_chain[-1][0] == first.structure.get_absolute_url()

    client.post(pull_url(organisation), {"on_date": "2025-08-01", "mode": "draft",
                                         "hierarchy": "Linjeorganisation"})
    second = Pull.objects.latest("pk")
    job = Job.objects.latest("pk")
    page = client.get(reverse("job-detail", args=[job.pk]), follow=True)
    compare = reverse("units:structure-compare", args=[first.structure.pk,
                                                        second.structure.pk])
    assert page.redirect_chain[-1][0] == compare
    text = page.content.decode()
    assert "Sundhedshuset" in text and "Syd- og Ungdomsskolen" in text
    listing = client.get(pull_url(organisation)).content.decode()
    assert "Sammenlign med forrige" in listing and second.structure.name in listing


def test_wrong_credentials_fail_the_job_in_danish(client, editor, organisation, os2mo_server,
                                                  settings):
    settings.OS2MO_CLIENT_SECRET = "forkert"
    client.force_login(editor)
    client.post(pull_url(organisation), {"on_date": "2025-01-02", "mode": "draft"})
    job = Job.objects.get()
    assert job.state == Job.State.FAILED
    assert "klient-id eller hemmelighed" in job.error
    page = client.get(reverse("job-detail", args=[job.pk])).content.decode()
    assert "kunne ikke hentes fra OS2mo" in page and not Pull.objects.exists()


def test_bad_date_is_refused_by_the_form(client, editor, organisation, os2mo_server):
    client.force_login(editor)
    response = client.post(pull_url(organisation), {"on_date": "1. januar", "mode": "draft"})
    assert response.status_code == 422 and not Job.objects.exists()
