"""Alternative models side by side (units.selectors.figure_compare.alternatives, the page
and its PDF): the figures in columns beside the basis, the units per change kind of each
model, the pictures; only what the viewer may see, a hidden model not even named."""

from __future__ import annotations

import datetime
import re
import xml.etree.ElementTree as ET
from html import unescape

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests import factories
from tests.pdf.conftest import pdf_pages
from units import printing, selectors, services
from units.models import Structure

D = datetime.date
SVG = "{http://www.w3.org/2000/svg}"


def text_of(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def row_cells(html: str, key: str) -> list[str]:
    row = re.search(rf'<tr class="figure-{key}[^"]*">(.*?)</tr>', html, re.S).group(1)
    return [" ".join(unescape(re.sub(r"<[^>]+>", "", c)).split())
            for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]


# --- the demo: Randers' two drafts ---------------------------------------------------------


@pytest.fixture
def randers_models(demo, db):
    models = list(Structure.objects.filter(name__startswith="Model ",
                                           organisation__name__startswith="Randers")
                  .order_by("name"))
    assert [m.name[:7] for m in models] == ["Model A", "Model B"]
    return models


@pytest.fixture
def demo_editor(demo, db):
    return get_user_model().objects.get(username="redaktoer")


def test_randers_models_stand_beside_their_basis(client, randers_models, demo_editor, tmp_path):
    model_a, model_b = randers_models
    basis = model_a.based_on
    client.force_login(demo_editor)
    for asked in (model_a, model_b):  # the page is the same from either model
        response = client.get(reverse("units:structure-alternatives", args=[asked.pk]))
        assert response.status_code == 200
    page = response.content.decode()
    result = selectors.alternatives(demo_editor, model_a)
    assert result.columns == (basis, model_a, model_b)
    # Every figure of each column on the page, the difference from the basis beside it.
    for row in result.rows:
        cells = row_cells(page, row.key)
        assert cells == [f"{c} ({d})" if d else c
                         for c, d in zip(row.cells, row.difference_texts, strict=True)]
    # The units per change kind are those of each model's comparison with the basis.
    for kind, _, counts in result.change_counts:
        assert counts == tuple(selectors.compare(basis, m).counts[kind]
                               for m in (model_a, model_b))
    # The demo's models differ in their figures (seed 003: "Flere modeller").
    assert any(row.models_differ for row in result.rows)
    assert "forskellig" in page
    # Four pictures, each naming the three structures.
    svgs = re.findall(r"<svg .*?</svg>", page, re.S)
    assert len(svgs) == 4
    profile = ET.fromstring(svgs[-1])
    panels = [g.get("data-series") for g in profile.iter(f"{SVG}g")
              if g.get("class") == "picture-panel"]
    assert panels == [basis.name, model_a.name, model_b.name]
    # The PDF says the same.
    pdf = "\n".join(pdf_pages(printing.alternatives_pdf(model_a, demo_editor), tmp_path))
    flat = " ".join(pdf.split()).replace(" forskellig", "")
    for row in result.rows:
        # A long label may wrap in its cell: the values follow its first line.
        at = flat.find(row.label)
        at = at if at >= 0 else flat.index(" ".join(row.label.split()[:3]))
        values = " ".join(f"{c} ({d})" if d else c
                          for c, d in zip(row.cells, row.difference_texts, strict=True))
        assert values in flat[at:at + 200], row.label
    assert "Ændringer i forhold til grundlaget" in pdf
    # Linked from the organisation page.
    org = client.get(reverse("units:organisation-detail", args=[basis.organisation_id]))
    assert reverse("units:structure-alternatives", args=[model_a.pk]) in org.content.decode()


# --- visibility ----------------------------------------------------------------------------


@pytest.fixture
def models(editor, organisation):
    """P published; A a published model for 2027 based on P, B a model for 2027 in
    consultation with a marker name; Z a draft model with a marker name; Q published for
    another date."""
    p, _ = factories.make_structure(
        editor, {"X": ("Afdeling X", 10, {"X1": ("Team X1", 4)}), "Y": ("Afdeling Y", 20)},
        organisation=organisation, name="Grundlag 2026", status="published")
    made = {"P": p}
    for key, name in (("A", "Model A"), ("B", "HEMMELIG-B Model"), ("Z", "HEMMELIG-Z Model"),
                      ("Q", "Senere")):
        made[key] = services.copy_structure(
            p, name=name, effective_date=D(2028, 1, 1) if key == "Q" else D(2027, 1, 1),
            user=editor)
    services.update_unit(made["A"].units.get(code="X1"), name="Team X1 (A)", headcount=6,
                         user=editor)
    services.close_unit(made["B"].units.get(code="X1"), user=editor, reason="Nedlagt.")
    services.add_unit(made["Z"].units.get(code="Y"), name="HEMMELIG-Z-ENHED", user=editor)
    made["A"] = services.set_status(made["A"], "published", user=editor)
    made["Q"] = services.set_status(made["Q"], "published", user=editor)
    made["B"] = services.set_status(made["B"], "consultation", user=editor)
    return made


def page_and_pdf(client, user, structure, tmp_path) -> tuple[int, str]:
    client.force_login(user)
    response = client.get(reverse("units:structure-alternatives", args=[structure.pk]))
    if response.status_code != 200:
        return response.status_code, ""
    pdf = client.get(reverse("units:structure-alternatives-pdf", args=[structure.pk]))
    assert pdf.status_code == 200
    return 200, response.content.decode() + "\n".join(pdf_pages(pdf.content, tmp_path))


@pytest.mark.parametrize("who, sees", [
    ("reader", {"Model A"}),
    ("manager", {"Model A"}),
    ("med_member", {"Model A", "HEMMELIG-B Model"}),
    ("editor", {"Model A", "HEMMELIG-B Model", "HEMMELIG-Z Model"}),
])
def test_each_role_sees_only_the_models_it_may_see(client, models, who, sees, request,
                                                   tmp_path):
    user = request.getfixturevalue(who)
    status, text = page_and_pdf(client, user, models["A"], tmp_path)
    assert status == 200
    for name in ("Model A", "HEMMELIG-B Model", "HEMMELIG-Z Model"):
        assert (name in text) == (name in sees), name
    assert "HEMMELIG-Z-ENHED" not in text  # no unit's name is shown at all
    assert "Senere" not in text  # another date is another choice
    assert "Grundlag 2026 (grundlag)" in text
    result = selectors.alternatives(user, models["A"])
    assert {s.name for s in result.models} == sees
    # A hidden model's own page is a 404, like the model itself.
    hidden = [k for k, n in (("B", "HEMMELIG-B Model"), ("Z", "HEMMELIG-Z Model"))
              if n not in sees]
    for key in hidden:
        client.force_login(user)
        for name in ("units:structure-alternatives", "units:structure-alternatives-pdf"):
            assert client.get(reverse(name, args=[models[key].pk])).status_code == 404


def test_the_organisation_page_links_groups_of_two_or_more_visible_models(client, models,
                                                                          reader, editor,
                                                                          med_member):
    url = reverse("units:organisation-detail", args=[models["P"].organisation_id])
    # The group's link goes to its first model in Danish order.
    link = reverse("units:structure-alternatives", args=[models["B"].pk])
    client.force_login(reader)
    page = client.get(url).content.decode()
    assert "Alternative modeller" not in page  # one model alone is no choice
    client.force_login(med_member)
    page = client.get(url).content.decode()
    assert link in page and "Sæt HEMMELIG-B Model og Model A side om side" in text_of(page)
    assert "HEMMELIG-Z" not in page
    client.force_login(editor)
    page = text_of(client.get(url).content.decode())
    assert "Sæt HEMMELIG-B Model, HEMMELIG-Z Model og Model A side om side" in page


def test_a_hidden_basis_is_not_named_and_nothing_is_measured_against_it(client, editor,
                                                                        organisation,
                                                                        med_member, tmp_path):
    basis, _ = factories.make_structure(editor, {"X": ("Afdeling X", 10)},
                                        organisation=organisation, name="HEMMELIGT-GRUNDLAG")
    shown = []
    for name in ("Model 1", "Model 2"):
        model = services.copy_structure(basis, name=name, effective_date=D(2027, 1, 1),
                                        user=editor)
        shown.append(services.set_status(model, "consultation", user=editor))
    # The MED member sees both models in consultation, not the draft they are based on.
    status, text = page_and_pdf(client, med_member, shown[0], tmp_path)
    assert status == 200
    assert "HEMMELIGT-GRUNDLAG" not in text
    assert "Model 1" in text and "Model 2" in text
    assert "du ikke har adgang til" in text
    assert "Ændringer i forhold til grundlaget" not in text
    result = selectors.alternatives(med_member, shown[0])
    assert result.basis is None and result.basis_hidden and result.change_counts == ()
    status, text = page_and_pdf(client, editor, shown[0], tmp_path)
    assert "HEMMELIGT-GRUNDLAG (grundlag)" in text


def test_the_change_counts_of_each_model(models, editor):
    result = selectors.alternatives(editor, models["A"])
    counts = {kind: values for kind, _, values in result.change_counts}
    names = [s.name for s in result.models]
    assert names == ["HEMMELIG-B Model", "HEMMELIG-Z Model", "Model A"]
    # B closes Team X1; Z adds a unit; A renames Team X1.
    assert counts["closed"] == (1, 0, 0)
    assert counts["new"] == (0, 1, 0)
    assert counts["renamed"] == (0, 0, 1)
    rows = {r.key: r for r in result.rows}
    assert rows["units"].values == (4, 3, 5, 4)
    assert rows["units"].models_differ
    assert rows["headcount"].values == (34, 30, 34, 36)
    assert rows["headcount"].difference_texts == ("", "−4", "±0", "+2")


def test_queries_do_not_grow_with_the_trees(client, editor, organisation):
    counts = []
    for size in (10, 60):
        other = services.create_organisation(name=f"Kommune {size}", user=editor)
        basis, _ = factories.make_structure(editor, factories.wide_spec(size),
                                            organisation=other, status="published")
        model = None
        for name in ("Model 1", "Model 2"):
            model = services.copy_structure(basis, name=name, effective_date=D(2027, 1, 1),
                                            user=editor)
        client.force_login(editor)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("units:structure-alternatives", args=[model.pk]))
        assert response.status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
