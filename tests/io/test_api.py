"""The read API: visibility per role, shapes, token auth, read-only, fixed query counts."""

import datetime

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests import factories
from units import services
from units.api import NOT_AN_ID
from units.models import Unit


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def structures(editor, small):
    """published (small), consultation, draft and a published one that is still confidential."""
    published, units = small
    org = published.organisation
    consultation = services.copy_structure(published, name="I høring", user=editor,
                                           effective_date=datetime.date(2025, 1, 1))
    services.set_status(consultation, "consultation", user=editor)
    draft = services.copy_structure(published, name="Udkast", user=editor,
                                    effective_date=datetime.date(2026, 1, 1))
    secret = factories.make_structure(editor, {"S": "Hemmelig"}, organisation=org,
                                      name="Fortrolig", status="published",
                                      effective_date=datetime.date(2023, 1, 1))[0]
    services.update_structure(secret, user=editor,
                              confidential_until=datetime.date.today() + datetime.timedelta(days=9))
    return {"published": published, "consultation": consultation, "draft": draft,
            "secret": secret, "units": units}


VISIBLE = {
    "editor": {"published", "consultation", "draft", "secret"},
    "med_member": {"published", "consultation", "secret"},
    "reader": {"published"},
    "manager": {"published"},
}


@pytest.mark.parametrize("who", VISIBLE)
def test_structures_per_role(who, request, api, structures):
    api.force_authenticate(request.getfixturevalue(who))
    response = api.get(reverse("api:structure-list"))
    assert response.status_code == 200
    names = {s["name"] for s in response.json()}
    expected = {structures[k].name for k in VISIBLE[who]}
    assert names == expected
    for key, structure in structures.items():
        if key == "units":
            continue
        status = 200 if key in VISIBLE[who] else 404
        for url in (reverse("api:structure-detail", args=[structure.pk]),
                    reverse("api:structure-tree", args=[structure.pk])):
            assert api.get(url).status_code == status, (key, url)
        unit = Unit.objects.filter(tree_id=structure.pk).first()
        assert api.get(reverse("api:unit-detail", args=[unit.pk])).status_code == status


def test_anonymous_gets_nothing(api, structures):
    for url in (reverse("api:organisation-list"), reverse("api:structure-list"),
                reverse("api:structure-tree", args=[structures["published"].pk]),
                reverse("api:schema"), reverse("api:docs")):
        assert api.get(url).status_code in (401, 403), url


def test_token_authentication_for_other_systems(reader, structures):
    token = Token.objects.create(user=reader)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    response = client.get(reverse("api:structure-list"))
    assert response.status_code == 200
    assert [s["name"] for s in response.json()] == ["Organisering 2024"]
    bad = APIClient()
    bad.credentials(HTTP_AUTHORIZATION="Token forkert")
    assert bad.get(reverse("api:structure-list")).status_code in (401, 403)


def test_read_only(api, editor, structures):
    api.force_authenticate(editor)
    draft = structures["draft"]
    assert api.post(reverse("api:structure-list"), {"name": "x"}).status_code == 405
    assert api.delete(reverse("api:structure-detail", args=[draft.pk])).status_code == 405
    assert api.patch(reverse("api:structure-detail", args=[draft.pk]),
                     {"name": "y"}).status_code == 405
    unit = Unit.objects.filter(tree_id=draft.pk).first()
    assert api.put(reverse("api:unit-detail", args=[unit.pk]), {}).status_code == 405


def test_structure_shape_and_filters(api, reader, med_member, structures):
    api.force_authenticate(med_member)
    org = structures["published"].organisation
    response = api.get(reverse("api:structure-list"), {"organisation": org.pk,
                                                       "status": "consultation"})
    assert [s["name"] for s in response.json()] == ["I høring"]
    detail = api.get(reverse("api:structure-detail", args=[structures["consultation"].pk])).json()
    assert detail["status"] == "consultation" and detail["status_label"] == "I høring"
    assert detail["effective_date"] == "2025-01-01"
    assert detail["based_on"] == structures["published"].pk
    assert detail["organisation_name"] == "Testkommune"
    assert api.get(reverse("api:structure-list"), {"status": "hemmelig"}).status_code == 400
    assert api.get(reverse("api:structure-list"), {"organisation": "x"}).status_code == 400


def test_organisations(api, reader, structures):
    api.force_authenticate(reader)
    response = api.get(reverse("api:organisation-list"))
    assert [o["name"] for o in response.json()] == ["Testkommune"]


def test_tree_shape(api, reader, structures):
    api.force_authenticate(reader)
    tree = api.get(reverse("api:structure-tree", args=[structures["published"].pk])).json()
    assert [n["code"] for n in tree] == ["ROOT", "A", "A1", "A2", "B", "B1", "C"]
    root, a = tree[0], tree[1]
    assert root["parent_id"] is None and root["level"] == 0
    assert root["subtree_headcount"] == 53 and a["subtree_headcount"] == 20
    assert a["parent_id"] == root["id"] and a["child_count"] == 2


def test_unit_with_path(api, reader, structures):
    api.force_authenticate(reader)
    a1 = structures["units"]["A1"]
    data = api.get(reverse("api:unit-detail", args=[a1.pk])).json()
    assert data["name"] == "Team A1" and data["headcount"] == 4
    assert [p["code"] for p in data["path"]] == ["ROOT", "A"]


def test_placement(api, editor, med_member, reader, structures):
    a = structures["units"]["A"]
    consultation = structures["consultation"]
    api.force_authenticate(med_member)
    response = api.get(reverse("api:unit-placement", args=[a.pk]), {"target": consultation.pk})
    assert response.status_code == 200
    [place] = response.json()
    assert place["unit"]["code"] == "A" and place["share"] == "100.00"
    assert place["kind"] == "continued" and [p["code"] for p in place["path"]] == ["ROOT"]
    # A target the user may not see is 404, like the structure itself.
    response = api.get(reverse("api:unit-placement", args=[a.pk]),
                       {"target": structures["draft"].pk})
    assert response.status_code == 404
    assert api.get(reverse("api:unit-placement", args=[a.pk])).status_code == 400
    api.force_authenticate(reader)
    response = api.get(reverse("api:unit-placement", args=[a.pk]), {"target": consultation.pk})
    assert response.status_code == 404


def test_comparison(api, editor, reader, structures):
    old, draft = structures["published"], structures["draft"]
    units = {u.code: u for u in Unit.objects.filter(tree_id=draft.pk)}
    services.update_unit(units["B"], user=editor, name="Afdeling B2")
    api.force_authenticate(editor)
    url = reverse("api:structure-compare", args=[old.pk, draft.pk])
    data = api.get(url).json()
    assert data["old"]["id"] == old.pk and data["by_successions"] is True
    assert data["counts"]["renamed"] == 1
    row = next(r for r in data["rows"] if r["old"] and r["old"]["code"] == "B")
    assert row["new"]["name"] == "Afdeling B2" and row["kind"] == "renamed"
    assert row["share"] == "100.00" and row["headcount"] == 20
    api.force_authenticate(reader)
    assert api.get(url).status_code == 404


def test_schema_and_docs(api, reader):
    api.force_authenticate(reader)
    response = api.get(reverse("api:schema"), {"format": "json"})
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in ("/api/organisations/", "/api/structures/", "/api/structures/{id}/tree/",
                 "/api/units/{id}/", "/api/units/{id}/placement/",
                 "/api/structures/{id}/compare/{other}/"):
        assert path in paths
    assert all(set(ops) <= {"get", "parameters"} for ops in paths.values())
    assert api.get(reverse("api:docs")).status_code == 200


@pytest.mark.parametrize("size", [10, 300])
def test_tree_query_count_does_not_grow(size, django_assert_num_queries, editor, organisation):
    from units.services.bulk import UnitRow, build_structure

    rows = [UnitRow("R", None, {"name": "Kommunen", "code": "R"})]
    rows += [UnitRow(f"U{i}", f"U{(i - 1) // 5}" if i > 5 else "R",
                     {"name": f"Enhed {i}", "code": f"U{i}", "headcount": i})
             for i in range(1, size)]
    structure = build_structure(organisation, name="Stor", effective_date=datetime.date(2025, 1, 1),
                                rows=rows, user=editor)
    client = APIClient()
    client.force_authenticate(editor)
    url = reverse("api:structure-tree", args=[structure.pk])
    # groups of the user, the structure, the units.
    with django_assert_num_queries(3):
        response = client.get(url)
    assert len(response.json()) == size


def test_every_route_answers_with_the_json_format_suffix_too(api, editor, structures):
    """The router also serves each route as `<path>.json`; custom actions must take it."""
    api.force_authenticate(editor)
    published, consultation = structures["published"], structures["consultation"]
    unit = structures["units"]["A"]
    plain = [
        f"/api/structures/{published.pk}/",
        f"/api/structures/{published.pk}/tree/",
        f"/api/structures/{published.pk}/compare/{consultation.pk}/",
        f"/api/units/{unit.pk}/",
        f"/api/units/{unit.pk}/placement/?target={consultation.pk}",
        f"/api/organisations/{published.organisation_id}/",
    ]
    for url in plain:
        path, _, query = url.partition("?")
        suffixed = path.rstrip("/") + ".json" + (f"?{query}" if query else "")
        answers = api.get(url), api.get(suffixed)
        assert [a.status_code for a in answers] == [200, 200], suffixed
        assert answers[0].json() == answers[1].json()


def test_malformed_parameters_answer_400_in_danish_and_unknown_ids_404(api, editor, structures):
    """Every parameter of every action: malformed is a 400 naming it, unknown is a 404; never
    a 500 and never the site's HTML page."""
    api.force_authenticate(editor)
    published, unit = structures["published"], structures["units"]["A"]
    bad = {
        "/api/structures/?organisation=abc": "organisation",
        "/api/structures/?organisation=99999999999999999999": "organisation",
        "/api/structures/?status=bogus": "status",
        f"/api/units/{unit.pk}/placement/": "target",
        f"/api/units/{unit.pk}/placement/?target=": "target",
        f"/api/units/{unit.pk}/placement/?target=x": "target",
        f"/api/structures/{published.pk}/compare/abc/": "other",
        "/api/structures/abc/": "id",
        "/api/units/-1/": "id",
        "/api/organisations/1e3/": "id",
    }
    for url, name in bad.items():
        response = api.get(url)
        assert response.status_code == 400, url
        [message] = response.json()[name]
        assert message in ("Skal angives.", NOT_AN_ID) or message.startswith("Ukendt status"), url
    for url in ("/api/structures/987654321/", "/api/structures/987654321/tree/",
                f"/api/structures/{published.pk}/compare/987654321/", "/api/units/987654321/",
                f"/api/units/{unit.pk}/placement/?target=987654321", "/api/organisations/98765/",
                "/api/ingenting/", f"/api/structures/{published.pk}/compare/1.5/"):
        response = api.get(url)
        assert response.status_code == 404, url
        assert response["Content-Type"] == "application/json", url
        assert not response.json()["detail"].startswith("No "), url


def test_schema_documents_parameters_and_error_answers(api, reader):
    api.force_authenticate(reader)
    paths = api.get(reverse("api:schema"), {"format": "json"}).json()["paths"]
    listing = paths["/api/structures/"]["get"]
    assert {p["name"] for p in listing["parameters"]} == {"organisation", "status"}
    assert {"200", "400", "401", "403"} <= set(listing["responses"])
    # The list's filters are the list's: detail and actions do not claim them.
    assert {p["name"] for p in paths["/api/structures/{id}/tree/"]["get"]["parameters"]} == {"id"}
    compare = paths["/api/structures/{id}/compare/{other}/"]["get"]
    other = next(p for p in compare["parameters"] if p["name"] == "other")
    assert other["schema"]["type"] == "integer"
    assert {"200", "400", "404"} <= set(compare["responses"])
    placement = paths["/api/units/{id}/placement/"]["get"]
    assert next(p for p in placement["parameters"] if p["name"] == "target")["required"]
