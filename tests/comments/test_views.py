"""The comments pages, the høringssvar on the consultation page, and the comments beside the
edit and compare pages."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from comments import services
from comments.models import Comment
from med.models import Consultation
from units import services as unit_services

D = datetime.date


def page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_a_member_comments_and_answers_through_the_page(hearing, client, med_member):
    client.force_login(med_member)
    url = reverse("comments:structure-comments", args=[hearing.structure.pk])
    html = page(client, url)
    assert "Høringssvar fra HovedMED" in html and "Ny kommentar" in html
    assert "LokalMED A" not in html  # not theirs to answer
    response = client.post(url, {"text": "Hvor skal B1 hen?", "unit": hearing.units["B1"].pk})
    assert response.status_code == 302
    answer_url = reverse("comments:consultation-answer", args=[hearing.consultation.pk])
    prefix = f"svar{hearing.consultation.pk}"
    response = client.post(answer_url, {f"{prefix}-text": "HovedMED & co. bakker op <b>"})
    assert response.status_code == 302
    html = page(client, url)
    assert "Hvor skal B1 hen?" in html and "Team B1" in html
    assert "HovedMED &amp; co. bakker op &lt;b&gt;" in html
    assert "Høringssvar fra HovedMED</h2>" not in html  # answered: the form is gone
    detail = page(client, reverse("med:consultation-detail", args=[hearing.consultation.pk]))
    assert "HovedMED &amp; co. bakker op &lt;b&gt;" in detail
    assert "Birgitte Holm på udvalgets vegne" in detail and "Besvaret" in detail


def test_empty_text_gets_a_danish_error_and_saves_nothing(hearing, client, med_member):
    client.force_login(med_member)
    url = reverse("comments:structure-comments", args=[hearing.structure.pk])
    response = client.post(url, {"text": "  "})
    assert response.status_code == 400
    assert "Skriv din kommentar." in response.content.decode()
    assert not Comment.objects.exists()


def test_a_stranger_to_the_body_is_told_why_and_nothing_is_saved(hearing, client, med_member):
    client.force_login(med_member)
    url = reverse("comments:consultation-answer", args=[hearing.other_consultation.pk])
    response = client.post(url, {f"svar{hearing.other_consultation.pk}-text": "Svar"})
    assert response.status_code == 400
    assert "Kun et medlem af »LokalMED A«" in response.content.decode()
    assert not Comment.objects.exists()
    assert Consultation.objects.get(pk=hearing.other_consultation.pk).responded_on is None


def test_an_answer_to_a_hidden_consultation_is_a_404(hearing, client, reader):
    client.force_login(reader)
    url = reverse("comments:consultation-answer", args=[hearing.consultation.pk])
    assert client.post(url, {"text": "Svar"}).status_code == 404
    assert not Comment.objects.exists()


@pytest.fixture
def worked(hearing, editor, med_member):
    """Comments on the consultation, then the proposal approved and copied to a new draft that
    the editor works on."""
    services.add_comment(hearing.structure, text="OM-A", unit=hearing.units["A"], user=med_member)
    services.add_comment(hearing.structure, text="OM-HELHEDEN", user=med_member)
    consulted = unit_services.set_status(hearing.structure, "approved", user=editor)
    draft = unit_services.copy_structure(consulted, name="Udkast 2", user=editor,
                                         effective_date=D(2027, 2, 1))
    return consulted, draft


def test_the_edit_page_shows_the_comments_on_the_unit_it_continues(worked, client, editor):
    consulted, draft = worked
    client.force_login(editor)
    a = draft.units.get(code="A")
    edit = reverse("units:structure-edit", args=[draft.pk])
    html = page(client, f"{edit}?unit={a.pk}")
    assert "OM-A" in html and "OM-HELHEDEN" not in html
    assert "OM-HELHEDEN" in page(client, edit)
    comment = Comment.objects.get(text="OM-A")
    back = f"{edit}?unit={a.pk}"
    response = client.post(reverse("comments:comment-handle", args=[comment.pk]),
                           {"reply": "Lederen er fundet.", "next": back})
    assert response.status_code == 302 and response["Location"] == back
    html = page(client, back)
    assert "Lederen er fundet." in html and "behandlet" in html
    # A foreign `next` leads to the comment instead.
    response = client.post(reverse("comments:comment-handle", args=[comment.pk]),
                           {"reply": "Igen", "next": "https://example.org/"})
    assert response["Location"].startswith(
        reverse("comments:structure-comments", args=[consulted.pk]))


def test_a_reply_without_text_is_refused_in_danish(worked, client, editor):
    client.force_login(editor)
    comment = Comment.objects.get(text="OM-A")
    response = client.post(reverse("comments:comment-handle", args=[comment.pk]), {"reply": ""})
    assert response.status_code == 400
    assert "Skriv et svar" in response.content.decode()
    comment.refresh_from_db()
    assert not comment.is_handled


def test_the_compare_page_shows_the_comments_per_unit(worked, client, editor, med_member, small):
    consulted, _ = worked
    base = small[0]
    url = reverse("units:structure-compare", args=[base.pk, consulted.pk])
    client.force_login(editor)
    html = page(client, url)
    section = html[html.index('id="compare-comments"'):]
    assert "OM-A" in section and "OM-HELHEDEN" in section and "Afdeling A" in section
    client.force_login(med_member)
    html = page(client, url)
    assert "OM-A" in html  # their own
    assert "Markér som behandlet" not in html


def test_the_edit_page_asks_no_more_queries_for_more_comments(worked, client, editor,
                                                              med_member):
    consulted, draft = worked
    client.force_login(editor)
    a = draft.units.get(code="A")
    url = reverse("units:structure-edit", args=[draft.pk]) + f"?unit={a.pk}"

    def count():
        client.get(url)  # warm the markup cache
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    before = count()
    units = list(consulted.units.filter(code="A"))
    for i in range(6):
        factory_comment = Comment(structure=consulted, unit=units[0], text=f"Flere {i}",
                                  author=med_member, author_name="MED",
                                  created_at=Comment.objects.first().created_at)
        factory_comment.save()
    assert count() == before
    assert len(re.findall("Flere", page(client, url))) == 6


def test_the_tab_shows_where_comments_can_be_read(hearing, client, med_member, reader, editor):
    url = reverse("units:structure-detail", args=[hearing.structure.pk])
    tab = reverse("comments:structure-comments", args=[hearing.structure.pk])
    client.force_login(med_member)
    assert tab in page(client, url)
    client.force_login(editor)
    assert tab in page(client, url)
