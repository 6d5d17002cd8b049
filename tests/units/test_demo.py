"""The demo data: four organisations drawn from the seed documents, loaded through the services.

The demo is loaded once for the module (it takes a few seconds) inside a transaction that is
rolled back at the end, so other test modules see an empty database.
"""

import datetime
import io
from collections import Counter, defaultdict
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db.models import Sum
from django.utils import timezone

from orgreg import roles
from units import demo, selectors
from units.models import Organisation, Status, Structure, Succession, Unit, UnitType
from units.selectors import ChangeKind

AARHUS = "Aarhus Kommune, Sundhed og Omsorg"
KOBENHAVN = "Københavns Kommune, Socialforvaltningen"
NORDDJURS = "Norddjurs Kommune, Socialområdet"
RANDERS = "Randers Kommune"

HISTORY_MODELS = [Organisation, Structure, UnitType, Unit, Succession]


def _counts() -> dict[str, int]:
    counts = {m.__name__: m.objects.count() for m in HISTORY_MODELS}
    counts.update({f"history:{m.__name__}": m.history.count() for m in HISTORY_MODELS})
    counts["users"] = get_user_model().objects.count()
    counts["managed"] = Unit.managers.through.objects.count()
    return counts


@pytest.fixture
def loaded(demo_output, db):
    return demo_output


def _org(name: str) -> Organisation:
    return Organisation.objects.get(name=name)


def _structure(org_name: str, effective: str, name_start: str = "") -> Structure:
    qs = Structure.objects.filter(organisation__name=org_name,
                                  effective_date=datetime.date.fromisoformat(effective))
    if name_start:
        qs = qs.filter(name__startswith=name_start)
    return qs.get()


def _unit(structure: Structure, code: str) -> Unit:
    return Unit.objects.get(tree_id=structure.pk, code=code)


def _children(structure: Structure, code: str) -> list[Unit]:
    return list(_unit(structure, code).get_children())


def _leaders(name: str) -> int:
    return len([part for part in name.split(" og ") if part.strip()]) if name else 0


# --- what was loaded ---------------------------------------------------------------------


def test_four_organisations_with_their_structures(loaded):
    structures = {
        org.name: sorted((s.effective_date.isoformat(), s.status) for s in org.structures.all())
        for org in Organisation.objects.prefetch_related("structures")
    }
    assert structures == {
        AARHUS: [("2020-01-01", "published"), ("2021-04-01", "published"),
                 ("2022-01-01", "published")],
        KOBENHAVN: [("2024-01-01", "published"), ("2025-01-01", "published")],
        NORDDJURS: [("2022-01-01", "published"), ("2023-01-01", "published")],
        RANDERS: [("2025-01-01", "published"), ("2026-01-01", "draft"),
                  ("2026-01-01", "draft")],
    }


@pytest.mark.parametrize("org_name, on_date, expected", [
    (AARHUS, "2019-12-31", None),
    (AARHUS, "2021-03-31", "2020-01-01"),
    (AARHUS, "2021-05-01", "2021-04-01"),
    (AARHUS, "2022-06-01", "2022-01-01"),
    (KOBENHAVN, "2024-12-31", "2024-01-01"),
    (KOBENHAVN, "2025-01-01", "2025-01-01"),
    (NORDDJURS, "2022-12-31", "2022-01-01"),
    (NORDDJURS, "2023-01-01", "2023-01-01"),
    # The 2026 models are drafts: nothing of them is in force.
    (RANDERS, "2026-06-01", "2025-01-01"),
])
def test_structure_in_force_on_chosen_dates(loaded, org_name, on_date, expected):
    found = selectors.structure_in_force(_org(org_name), datetime.date.fromisoformat(on_date))
    assert (found.effective_date.isoformat() if found else None) == expected


def test_each_later_structure_is_based_on_the_one_before(loaded):
    aarhus = [_structure(AARHUS, d) for d in ("2020-01-01", "2021-04-01", "2022-01-01")]
    assert aarhus[1].based_on == aarhus[0] and aarhus[2].based_on == aarhus[1]
    assert aarhus[1].decision == "Byrådet 16.12.2020"
    base = _structure(RANDERS, "2025-01-01")
    models = Structure.objects.filter(organisation__name=RANDERS, status=Status.DRAFT)
    assert sorted(m.name.split(":")[0] for m in models) == ["Model A", "Model B"]
    assert {m.based_on_id for m in models} == {base.pk}


# --- Aarhus: seven areas, then three districts in two steps -------------------------------


def test_aarhus_2020_has_seven_areas_with_the_care_districts_of_seed_004(loaded):
    s2020 = _structure(AARHUS, "2020-01-01")
    areas = Unit.objects.filter(tree_id=s2020.pk, unit_type__name="Område")
    assert sorted(a.name for a in areas) == sorted([
        "Område Nord", "Område Christiansbjerg", "Område Vest", "Område Midt",
        "Område Marselisborg", "Område Viby-Højbjerg", "Område Syd",
    ])
    districts = {
        area.name: sorted(c.name.removeprefix("Plejedistrikt ") for c in area.get_children()
                          if c.name.startswith("Plejedistrikt "))
        for area in areas
    }
    assert districts["Område Christiansbjerg"] == sorted(
        ["Abildgården", "Bjerggården", "Skelager", "Vejlby", "Fuglebakken", "Trøjborg"])
    assert districts["Område Vest"] == sorted(
        ["Havkær", "Sabro", "Toftegården", "Brabrand", "Gellerup", "Hasle", "Næshøj", "Søholm"])
    # Functional departments and staff units beside the areas.
    top = {u.name for u in Unit.objects.get(tree_id=s2020.pk, level=0).get_children()}
    assert {"Økonomi", "HR", "Strategi & Udvikling", "Bygningsafdelingen",
            "Sundhedsafdelingen"} <= top


def test_aarhus_step_one_has_the_leader_and_care_home_counts_of_seed_004(loaded):
    step1 = _structure(AARHUS, "2021-04-01")
    root_children = {u.name for u in Unit.objects.get(tree_id=step1.pk, level=0).get_children()}
    assert {"Sundhed", "Hjemmeplejen", "Plejehjem", "Civilsamfund og Samskabelse"} <= root_children
    assert not any(name.startswith("Område ") for name in root_children)

    def count(code, *, unit_type):
        return sum(1 for c in _children(step1, code) if c.unit_type.name == unit_type)

    # Hjemmeplejeledere: Nord 13, Midt 12, Syd 10.
    assert [count(c, unit_type="Hjemmepleje") for c in ("MSO-9100", "MSO-9200", "MSO-9300")] \
        == [13, 12, 10]
    # Plejehjem: Nord 14, Midt 23 split between two operations chiefs, Syd 12.
    nord, midt1, midt2, syd = (count(c, unit_type="Plejehjem")
                               for c in ("MSO-9600", "MSO-9700", "MSO-9750", "MSO-9800"))
    assert (nord, midt1 + midt2, syd) == (14, 23, 12)
    assert abs(midt1 - midt2) <= 1
    assert _unit(step1, "MSO-9700").leader_name != _unit(step1, "MSO-9750").leader_name
    # Ledere under Sundhed: Nord 9, Midt 9, Syd 6 (two per health unit).
    sundhed = []
    for code in ("MSO-8100", "MSO-8200", "MSO-8300"):
        district = _unit(step1, code)
        sundhed.append(sum(_leaders(u.leader_name) for u in district.get_descendants()))
        assert district.leader_title == "Driftschef" and district.leader_name
    assert sundhed == [9, 9, 6]
    # The new dementia care home is new; nothing led to it.
    skovvang = Unit.objects.get(tree_id=step1.pk, name__startswith="Skovvang")
    assert not Succession.objects.filter(to_unit=skovvang).exists()


def test_placement_of_an_aarhus_2020_unit_through_both_steps(loaded):
    s2020, final = _structure(AARHUS, "2020-01-01"), _structure(AARHUS, "2022-01-01")

    home_care = _unit(s2020, "MSO-2611")  # Hjemmeplejen Abildgården, Område Christiansbjerg
    [p] = selectors.placement(home_care, final)
    assert p.unit.name == "Hjemmeplejen Abildgården" and p.share == Decimal("100.00")
    assert [a.name for a in p.path[1:]] == ["Hjemmeplejen", "Distrikt Nord"]
    assert p.kind == ChangeKind.MOVED

    health = _unit(s2020, "MSO-1200")  # Sundhedsenheden, Område Nord
    result = {p.unit.name: p for p in selectors.placement(health, final)}
    assert {name: p.share for name, p in result.items()} == {
        "Sundhedsenhed Nord 1": Decimal("82.00"),
        "Sygepleje og træning, Hjemmeplejen Nord": Decimal("18.00"),
    }
    assert [a.name for a in result["Sundhedsenhed Nord 1"].path[1:]] == ["Sundhed", "Distrikt Nord"]
    assert ChangeKind.SPLIT in result["Sundhedsenhed Nord 1"].kinds

    # Christiansbjerg is divided between Nord and Midt, then part of it goes to home care.
    divided = selectors.placement(_unit(s2020, "MSO-2200"), final)
    assert len(divided) == 4
    assert sum(p.share for p in divided) == Decimal("100.00")
    assert {p.path[2].name for p in divided} == {"Distrikt Nord", "Distrikt Midt"}


def test_aarhus_comparisons_show_real_change_kinds(loaded):
    s2020, step1, final = (_structure(AARHUS, d) for d in ("2020-01-01", "2021-04-01",
                                                              "2022-01-01"))
    first = selectors.compare(s2020, step1)
    assert first.by_successions
    for kind in (ChangeKind.NEW, ChangeKind.CLOSED, ChangeKind.MERGED, ChangeKind.SPLIT,
                 ChangeKind.MOVED, ChangeKind.CONTINUED):
        assert first.counts[kind] > 0, kind
    closed = {c.unit.name for c in first.old_changes.values() if c.kind == ChangeKind.CLOSED}
    assert "Område Vest" in closed and "Plejedistrikt Abildgården" in closed
    # Across both steps at once the chain is followed.
    both = selectors.compare(s2020, final)
    assert both.by_successions and both.counts[ChangeKind.SPLIT] > first.counts[ChangeKind.SPLIT]


# --- København: Ét SOF ---------------------------------------------------------------------


def test_kobenhavn_2025_has_the_ten_centres_of_seeds_000_and_001(loaded):
    s2024, s2025 = _structure(KOBENHAVN, "2024-01-01"), _structure(KOBENHAVN, "2025-01-01")
    assert s2025.confidential_until == datetime.date(2024, 11, 19)
    assert s2025.decision and s2025.based_on == s2024
    borgercentre = [u.name for u in Unit.objects.filter(tree_id=s2024.pk, level=1)
                    if u.name.startswith("Borgercenter")]
    assert len(borgercentre) == 3
    centres = {u.name: u.category
               for u in Unit.objects.get(tree_id=s2025.pk, level=0).get_children()
               if u.name != "Direktionssekretariatet"}
    operating = {"Din Sociale Indgang", "Center for Børn og Unge",
                 "Center for Aktivitet, Beskæftigelse og Støtte i Egen Bolig",
                 "Center for Midlertidige og Selvstændige Boformer",
                 "Center for Længerevarende Boformer", "Center for Rusmiddelbehandling"}
    administrative = {"Center for Økonomi", "Center for HR og Organisation",
                      "Center for Faglig Understøttelse og Udvikling",
                      "Center for Digitalisering, Data og Analyse"}
    assert set(centres) == operating | administrative
    assert all(centres[name] in ("administration", "stab") for name in administrative)
    assert all(centres[name] in ("drift", "myndighed") for name in operating)
    # The short names the forvaltning uses itself.
    short = {u.short_name for u in Unit.objects.get(tree_id=s2025.pk, level=0).get_children()}
    assert {"DSI", "CBU", "CABSEB", "CMSB", "CLB", "CRB", "CØ", "CHRO", "CFUU", "CDDA"} <= short


def test_kobenhavn_centre_placements_show_change_kinds(loaded):
    s2024, s2025 = _structure(KOBENHAVN, "2024-01-01"), _structure(KOBENHAVN, "2025-01-01")
    [p] = selectors.placement(_unit(s2024, "SOF-3400"), s2025)
    assert p.unit.name == "Center for Rusmiddelbehandling" and p.kind == ChangeKind.MOVED
    [p] = selectors.placement(_unit(s2024, "SOF-4200"), s2025)
    assert p.unit.name == "Center for Aktivitet, Beskæftigelse og Støtte i Egen Bolig"
    assert p.kind == ChangeKind.MERGED
    split = selectors.placement(_unit(s2024, "SOF-3500"), s2025)
    assert {p.unit.name: p.share for p in split} == {
        "Center for Midlertidige og Selvstændige Boformer": Decimal("45.00"),
        "Center for Længerevarende Boformer": Decimal("55.00"),
    }
    # A split unit's lines are splits, though its parts take in other centres too: the one
    # rule of units.changes, as the comparison has it (placement once said merged as well).
    # Its old parent, Borgercenter Voksne, is closed, so both lines are moved as well.
    assert all(p.kinds == {ChangeKind.SPLIT, ChangeKind.MOVED} for p in split)
    comparison = selectors.compare(s2024, s2025)
    old_change = next(c for c in comparison.old_changes.values() if c.unit.code == "SOF-3500")
    assert old_change.kinds == {ChangeKind.SPLIT, ChangeKind.MOVED}
    assert [link.kinds for link in old_change.successors] == [p.kinds for p in split]
    assert [p.staff for p in split] == old_change.staff_moving()
    assert sum(p.staff for p in split) == _unit(s2024, "SOF-3500").headcount
    assert selectors.placement(_unit(s2024, "SOF-2000"), s2025) == []  # closed


def test_the_manager_sees_units_that_have_a_later_placement(loaded):
    manager = get_user_model().objects.get(username="leder")
    units = list(manager.managed_units.all())
    s2024, s2025 = _structure(KOBENHAVN, "2024-01-01"), _structure(KOBENHAVN, "2025-01-01")
    assert {u.code for u in units} == {"SOF-3400", "SOF-4200"}
    assert all(u.structure_id == s2024.pk for u in units)
    assert all(selectors.placement(u, s2025) for u in units)


# --- Norddjurs and Randers -----------------------------------------------------------------


def test_norddjurs_splits_the_social_area_and_the_authority(loaded):
    s2022, s2023 = _structure(NORDDJURS, "2022-01-01"), _structure(NORDDJURS, "2023-01-01")
    top = {u.name for u in Unit.objects.get(tree_id=s2023.pk, level=0).get_children()}
    assert top == {"Børne- og familieområdet", "Voksenområdet"}
    placed = selectors.placement(_unit(s2022, "NDK-520"), s2023)
    assert {(p.path[-1].name, p.share) for p in placed} == {
        ("Børne- og familieområdet", Decimal("55.00")), ("Voksenområdet", Decimal("45.00")),
    }


def test_randers_models_are_drafts_seen_by_editors_only(loaded):
    reader = get_user_model().objects.get(username="laeser")
    editor = get_user_model().objects.get(username="redaktoer")
    randers = Structure.objects.filter(organisation__name=RANDERS)
    assert roles.policy(reader).structures(randers).count() == 1
    assert roles.policy(editor).structures(randers).count() == 3
    a, b = sorted(randers.filter(status=Status.DRAFT), key=lambda s: s.name)
    comparison = selectors.compare(a, b)  # alternatives are matched by code
    assert comparison.counts[ChangeKind.CONTINUED] > 0
    assert any(c.changed for c in comparison.new_changes.values())


# --- integrity -----------------------------------------------------------------------------


def test_every_tree_is_sound(loaded):
    for structure in Structure.objects.all():
        nodes = selectors.tree(structure)
        assert len(nodes) == Unit.objects.filter(structure=structure).count()
        roots = [n for n in nodes if n.parent_id is None]
        assert len(roots) == 1 and nodes[0] is roots[0], structure
        numbers = sorted(x for n in nodes for x in (n.lft, n.rght))
        assert numbers == list(range(1, 2 * len(nodes) + 1))
        by_id = {n.id: n for n in nodes}
        for n in nodes:
            assert n.structure_id == structure.pk
            assert n.rght - n.lft == 2 * n.descendant_count + 1
            if n.parent_id is not None:
                parent = by_id[n.parent_id]
                assert parent.lft < n.lft and n.rght < parent.rght, (structure, n.name)
                assert n.level == parent.level + 1
        codes = [n.code for n in nodes]
        assert all(codes) and len(codes) == len(set(codes)), structure
        assert roots[0].subtree_headcount == sum(n.headcount for n in nodes)


def test_successions_never_hand_out_more_than_all_staff(loaded):
    # Per later structure: Randers' two alternative models each take all of a 2025 unit.
    totals = Succession.objects.values("from_unit", "to_unit__tree_id").annotate(
        total=Sum("share"))
    assert totals and all(t["total"] <= Decimal("100.05") for t in totals)
    # Every succession runs from a structure to one of its descendants.
    wrong = [s for s in Succession.objects.select_related("to_unit__structure")
             if s.to_unit.structure.based_on_id is None]
    assert wrong == []


def test_every_history_record_has_a_user_and_a_reason(loaded):
    for model in HISTORY_MODELS:
        records = model.history.all()
        # Unit types come from the reference-data migration unless the demo adds new ones.
        assert records.exists() or model is UnitType, model
        assert not records.filter(history_user__isnull=True).exists(), model
        assert not records.filter(history_change_reason__isnull=True).exists(), model
        assert not records.filter(history_change_reason="").exists(), model


def test_history_reasons_are_the_consultants_words(loaded):
    step1 = _structure(AARHUS, "2021-04-01")
    reasons = set(Unit.history.filter(structure_id=step1.pk)
                  .values_list("history_change_reason", flat=True))
    assert any("byrådets beslutning 16. december 2020" in r for r in reasons)
    changelog = selectors.structure_changelog(step1)
    assert len(changelog) > 10


def _local(*args) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(*args))


def test_history_is_dated_as_the_seeds_tell_it(loaded):
    s2024, s2025 = _structure(KOBENHAVN, "2024-01-01"), _structure(KOBENHAVN, "2025-01-01")
    assert timezone.localtime(s2025.created_at).date() == datetime.date(2024, 10, 10)
    # The draft as it was when it went to HovedMED on 8 November 2024 ...
    sent = selectors.structure_as_recorded(s2025, _local(2024, 11, 8, 12, 0))
    assert sent.status == Status.CONSULTATION
    top = {u.name for u in sent.units if u.level == 1}
    assert "Din Sociale Indgang" in top and "Borgercenter Voksne" not in top
    # ... halfway through the drafting the citizen centres were still there ...
    halfway = selectors.structure_as_recorded(s2025, _local(2024, 10, 20, 12, 0))
    assert halfway.status == Status.DRAFT
    assert "Borgercenter Voksne" in {u.name for u in halfway.units}
    # ... and before the drafting began there was nothing.
    assert selectors.structure_as_recorded(s2025, _local(2024, 10, 1)).units == []
    # Every record of a structure lies between its recording and its last status step.
    for structure, first, last in [(s2024, _local(2024, 1, 2, 9), _local(2024, 1, 2, 9, 30)),
                                   (s2025, _local(2024, 10, 10, 9), _local(2024, 11, 19, 8))]:
        dates = list(Unit.history.filter(structure_id=structure.pk)
                     .values_list("history_date", flat=True))
        dates += list(structure.history.values_list("history_date", flat=True))
        assert min(dates) == first and max(dates) == last
    # The step one of Aarhus was approved by the city council on 16 December 2020.
    step1 = _structure(AARHUS, "2021-04-01")
    approved = step1.history.get(status=Status.APPROVED)
    assert timezone.localtime(approved.history_date).date() == datetime.date(2020, 12, 16)


def test_demo_people_are_invented(loaded):
    # People named in the seed documents must not appear as leaders in the demo.
    real = ["Dutschke", "Skive", "Markvorsen", "Reintoft", "Blohm", "Morgenstjerne",
            "Katrine Ring", "Pasquali", "Kannegaard", "Harbo", "Nicolajsen", "van der Sande",
            "Kevy", "Nezlo"]
    names = set(Unit.objects.exclude(leader_name="").values_list("leader_name", flat=True))
    assert len(names) > 100
    assert not [n for n in names for r in real if r in n]
    # No person leads two units of the same structure (a sign of copy-paste data).
    per_structure = defaultdict(Counter)
    for structure_id, name in Unit.objects.exclude(leader_name="").values_list(
            "structure_id", "leader_name"):
        per_structure[structure_id][name] += 1
    assert all(c.most_common(1)[0][1] == 1 for c in per_structure.values())


# --- users and idempotence -----------------------------------------------------------------


def test_demo_users_one_per_role(loaded):
    User = get_user_model()
    expected = {"redaktoer": roles.EDITOR, "leder": roles.MANAGER, "med": roles.MED,
                "laeser": roles.READER}
    for username, group in expected.items():
        user = User.objects.get(username=username)
        assert list(user.groups.values_list("name", flat=True)) == [group]
        assert user.check_password(demo.DEMO_PASSWORD) and not user.is_superuser
    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.is_staff and admin.check_password(demo.DEMO_PASSWORD)


def test_the_command_says_how_to_log_in(loaded):
    assert "http://127.0.0.1:8000/" in loaded
    assert demo.DEMO_PASSWORD in loaded
    for spec in demo.DEMO_USERS:
        assert spec.username in loaded
    assert "4 organisationer" in loaded


def test_running_loaddemo_twice_creates_nothing_new(loaded):
    before = _counts()
    out = io.StringIO()
    call_command("loaddemo", stdout=out)
    assert _counts() == before
    text = out.getvalue()
    for name in (AARHUS, KOBENHAVN, NORDDJURS, RANDERS):
        assert f"Springer over {name}" in text
    assert "fandtes allerede" in text


def test_a_broken_fixture_leaves_nothing_behind(loaded):
    """The load of one organisation is all or nothing: a broken fixture leaves nothing."""
    data = demo.read_fixture(demo.FIXTURE_DIR / "norddjurs.json")
    data["organisation"]["name"] = "Norddjurs Kommune, prøve"
    data["structures"][1]["operations"].append({"op": "move", "units": ["NDK-600"],
                                                "to": "NDK-601", "reason": "Fejl"})
    editor = get_user_model().objects.get(username="redaktoer")
    before = _counts()
    with pytest.raises(Exception) as excinfo:
        demo._Loader(data, editor).load()
    assert "trin" in str(excinfo.value)
    assert _counts() == before
