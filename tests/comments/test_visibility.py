"""Comments follow their structure's visibility (orgreg.roles.Policy.comments): per role and
per status, and never for anyone who may not see the structure now — before or after
publication, on the pages as in the selectors."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from comments import selectors, services
from orgreg.roles import Policy
from tests import factories
from units import services as unit_services

D = datetime.date


def seen(user):
    return set(Policy(user).comments().values_list("text", flat=True))


@pytest.fixture
def talk(hearing, med_member, second_med):
    """A person's comment and the HovedMED's høringssvar (by the MED member), and a second MED
    member's comment."""
    services.add_comment(hearing.structure, text="MIN-KOMMENTAR", unit=hearing.units["A"],
                         user=med_member)
    services.submit_answer(hearing.consultation, text="HOVEDMEDS-SVAR", user=med_member)
    services.add_comment(hearing.structure, text="ANDENS-KOMMENTAR", user=second_med)
    return hearing


def test_in_consultation_each_role_sees_its_share(talk, editor, med_member, second_med, reader,
                                                  manager):
    everything = {"MIN-KOMMENTAR", "HOVEDMEDS-SVAR", "ANDENS-KOMMENTAR"}
    assert seen(editor) == everything
    assert seen(med_member) == {"MIN-KOMMENTAR", "HOVEDMEDS-SVAR"}
    assert seen(second_med) == {"ANDENS-KOMMENTAR", "HOVEDMEDS-SVAR"}
    assert seen(reader) == set()
    assert seen(manager) == set()


def test_a_body_member_outside_the_med_group_sees_nothing_of_a_structure_hidden_to_them(
        talk, editor, reader):
    # The reader is made a member of HovedMED: the structure in consultation stays hidden to
    # them, and so does its høringssvar.
    from med import services as med_services

    med_services.add_membership(talk.body, person_name="Lars", side="ledelse",
                                valid_from=D(2024, 1, 1), person_user=reader, user=editor)
    assert seen(factories.User.objects.get(pk=reader.pk)) == set()


def test_a_reader_never_sees_them_before_or_after_publication(talk, editor, reader, on_date):
    structure = unit_services.set_status(talk.structure, "approved", user=editor)
    assert seen(reader) == set()
    structure = unit_services.set_status(structure, "published", user=editor)
    unit_services.update_structure(structure, confidential_until=D(2026, 12, 1), user=editor)
    assert seen(reader) == set()
    client_url = reverse("comments:structure-comments", args=[structure.pk])
    on_date(D(2026, 12, 1))
    # Now the structure is visible to the reader: the page opens, yet none of the comments,
    # which are neither theirs nor a body's of theirs, is shown.
    from django.test import Client

    client = Client()
    client.force_login(reader)
    page = client.get(client_url).content.decode()
    assert "KOMMENTAR" not in page and "SVAR" not in page.replace("Høringssvar", "")
    assert seen(factories.User.objects.get(pk=reader.pk)) == set()


def test_a_comment_on_a_draft_is_seen_by_editors_only(small, editor, med_member, reader):
    draft = unit_services.copy_structure(small[0], name="Udkast", user=editor,
                                         effective_date=D(2027, 1, 1))
    factories.make_comment(draft, med_member, "PÅ-UDKAST")
    assert seen(editor) == {"PÅ-UDKAST"}
    assert seen(med_member) == set()  # not even its own author, while the draft is hidden
    assert seen(reader) == set()


def test_the_author_loses_sight_of_their_comment_with_the_structure(talk, med_member):
    med_member.groups.remove(Group.objects.get(name="MED"))
    fresh = factories.User.objects.get(pk=med_member.pk)
    assert seen(fresh) == set()


@pytest.mark.parametrize("who", ["reader", "manager"])
def test_the_comments_page_is_a_404_to_whoever_may_not_see_the_structure(talk, client, request,
                                                                         who):
    client.force_login(request.getfixturevalue(who))
    url = reverse("comments:structure-comments", args=[talk.structure.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"text": "Hej"}).status_code == 404
    comment = talk.structure.comments.first()
    assert client.get(reverse("comments:comment-handle", args=[comment.pk])).status_code == 404


def test_the_selectors_read_a_fixed_number_of_queries(talk, med_member, editor,
                                                      django_assert_num_queries, second_med):
    def count(user):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        fresh = factories.User.objects.get(pk=user.pk)
        with CaptureQueriesContext(connection) as ctx:
            selectors.structure_comments(talk.structure, fresh)
        return len(ctx.captured_queries)

    few = (count(med_member), count(editor))
    for i in range(8):
        services.add_comment(talk.structure, text=f"Flere {i}",
                             unit=list(talk.units.values())[i % len(talk.units)],
                             user=second_med if i % 2 else med_member)
    assert (count(med_member), count(editor)) == few
    fresh = factories.User.objects.get(pk=editor.pk)
    with django_assert_num_queries(2):  # the user's groups, once per request; the comments
        selectors.compared_comments(talk.structure, talk.structure, fresh)
    with django_assert_num_queries(1):
        selectors.unit_comments(talk.units["A"], fresh)
