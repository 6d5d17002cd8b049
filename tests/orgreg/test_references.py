"""A visible object's references to hidden ones ask the policy (see test_leaks for the walk of
every URL): each selector, exporter and serializer given a viewer names only what the viewer
may see; without a viewer (the server's own commands) everything is named as before."""

from __future__ import annotations

import json

from django.urls import reverse
from rest_framework.test import APIClient

from med import selectors as med_selectors
from orgreg.roles import HIDDEN_STRUCTURE, policy, server_policy
from tests.orgreg.test_leaks import randers  # noqa: F401 - the scenario fixture
from timeline import selectors as timeline_selectors
from units import selectors
from units.interchange import exporters
from units.printing import OrgChartOptions, org_chart


def test_redact_names_no_hidden_structure(randers, reader, editor):  # noqa: F811
    d = randers.structures["D"]
    text = f"Kopieret fra »{d.name}«."
    assert policy(reader).redact(text) == f"Kopieret fra {HIDDEN_STRUCTURE}."
    assert policy(editor).redact(text) == text
    assert server_policy().redact(text) == text
    visible = f"Kopieret fra »{randers.structures['P0'].name}«."
    assert policy(reader).redact(visible) == visible
    # An editor's own words name it bare: replaced as a whole word only.
    assert policy(reader).redact(f"Som i {d.name}, men større.") == \
        f"Som i {HIDDEN_STRUCTURE}, men større."


def test_unit_history_leaves_out_successions_into_hidden_structures(randers, reader,  # noqa: F811
                                                                    editor, med_member):
    p0_a = randers.units[0]
    p1_a = randers.units[5]
    everything = selectors.unit_history(p0_a)
    for_reader = selectors.unit_history(p0_a, viewer=policy(reader))
    for_editor = selectors.unit_history(p0_a, viewer=policy(editor))
    assert len(for_editor) == len(everything)
    reasons = " ".join(e.reason for e in for_reader)
    assert "LÆKMARKØR" not in reasons
    assert len(for_reader) < len(everything)
    # The MED member sees C (published, confidential) but not D.
    med_reasons = " ".join(e.reason for e in selectors.unit_history(p0_a,
                                                                     viewer=policy(med_member)))
    assert "LÆKMARKØR-C-KOPI" in med_reasons and "LÆKMARKØR-D" not in med_reasons
    # P1's own records said "Kopieret fra »D«": told neutrally.
    p1_reasons = [e.reason for e in selectors.unit_history(p1_a, viewer=policy(reader))]
    assert f"Kopieret fra {HIDDEN_STRUCTURE}." in p1_reasons


def test_structure_changelog_tells_a_hidden_basis_neutrally(randers, reader):  # noqa: F811
    p1 = randers.structures["P1"]
    reasons = [g.reason for g in selectors.structure_changelog(p1, viewer=policy(reader))]
    assert f"Kopieret fra {HIDDEN_STRUCTURE}." in reasons
    assert not any("LÆKMARKØR" in r for r in reasons)
    assert any("LÆKMARKØR-D-NAVN" in g.reason for g in selectors.structure_changelog(p1))


def test_exports_name_no_hidden_basis(randers, reader):  # noqa: F811
    p1 = randers.structures["P1"]
    viewer = policy(reader)
    doc = json.loads(exporters.structure_json(p1, viewer=viewer))
    assert doc["structure"]["based_on"] is None
    assert all(not u["predecessors"] for u in doc["units"])
    assert "LKMDKODE" not in exporters.structure_csv(p1, viewer=viewer).decode("utf-8-sig")
    # The server's own export (management commands) keeps the basis and its codes.
    full = json.loads(exporters.structure_json(p1))
    assert full["structure"]["based_on"]["id"] == randers.structures["D"].pk
    assert "LKMDKODE" in exporters.structure_csv(p1).decode("utf-8-sig")


def test_api_gives_no_hidden_basis_id(randers, reader, editor):  # noqa: F811
    p1 = randers.structures["P1"]
    api = APIClient()
    api.force_authenticate(reader)
    assert api.get(reverse("api:structure-detail", args=[p1.pk])).json()["based_on"] is None
    api.force_authenticate(editor)
    assert api.get(reverse("api:structure-detail", args=[p1.pk])).json()["based_on"] == \
        randers.structures["D"].pk


def test_coverage_carries_no_hidden_body(randers, reader, editor):  # noqa: F811
    p1 = randers.structures["P1"]
    names = {b.name for b in med_selectors.coverage(p1, viewer=policy(reader)).bodies}
    assert "LÆKMARKØR-D-MED" not in names
    assert "HovedMED Randers" in names
    assert "LÆKMARKØR-D-MED" in {b.name for b in med_selectors.coverage(p1).bodies}


def test_a_milestone_names_a_hidden_body_to_no_one_who_may_not_see_it(randers, reader,  # noqa: F811
                                                                         editor):
    milestone = randers.milestones[0]
    assert milestone.forum == "LÆKMARKØR-D-MED"  # the link is kept
    assert timeline_selectors.milestone_forum(milestone, policy(reader)) == ""
    assert timeline_selectors.milestone_forum(milestone, policy(editor)) == "LÆKMARKØR-D-MED"
    organisation = randers.organisation
    assert "LÆKMARKØR-D-MED" not in timeline_selectors.forums(organisation, user=reader)
    assert "LÆKMARKØR-D-MED" in timeline_selectors.forums(organisation, user=editor)
    entries = timeline_selectors.plan(organisation, user=reader)
    assert not any("LÆKMARKØR" in e.forum for e in entries)


def test_org_chart_badges_only_against_a_visible_basis(randers, reader, editor):  # noqa: F811
    p1 = randers.structures["P1"]
    assert org_chart(p1, reader, OrgChartOptions()).context["based_on"] is None
    assert org_chart(p1, editor, OrgChartOptions()).context["based_on"] == \
        randers.structures["D"]


def test_milestone_history_names_no_hidden_body(randers, reader, editor):  # noqa: F811
    milestone = randers.milestones[0]

    def text(viewer) -> str:
        return " ".join(f"{e.reason} {[(c.old, c.new) for c in e.changes]}"
                        for e in timeline_selectors.milestone_history(milestone, viewer=viewer))

    assert "LÆKMARKØR-D-MED" in text(policy(editor))
    assert "LÆKMARKØR-D-MED" in text(None)
    assert "LÆKMARKØR" not in text(policy(reader))
    assert timeline_selectors.HIDDEN_LINK in text(policy(reader))


def test_the_plan_filtered_by_a_hidden_forum_finds_nothing(randers, reader, editor):  # noqa: F811
    organisation = randers.organisation
    f = timeline_selectors.PlanFilter(forum="LÆKMARKØR-D-MED (ekstra møde)")
    assert not [e for e in timeline_selectors.plan(organisation, user=reader, filters=f)
                if e.source == "milestone"]
    assert [e.title for e in timeline_selectors.plan(organisation, user=editor, filters=f)
            if e.source == "milestone"] == ["Behandling i udvalget"]
