import datetime

from orgreg.history import apply_changes, stamp
from units.models import Organisation, Structure


def test_apply_changes_sets_what_differs_and_names_it_in_danish():
    organisation = Organisation(pk=1, name="A")
    basis = Structure(pk=7, organisation=organisation, name="Basis")
    structure = Structure(pk=8, organisation=organisation, name="Ny",
                          effective_date=datetime.date(2025, 1, 1), based_on_id=7)
    changed = apply_changes(structure, {"name": "Ny", "based_on": basis,
                                        "effective_date": datetime.date(2026, 1, 1)})
    assert changed == [str(Structure._meta.get_field("effective_date").verbose_name)]
    assert structure.effective_date == datetime.date(2026, 1, 1)
    assert apply_changes(structure, {"based_on": None}) == [
        str(Structure._meta.get_field("based_on").verbose_name)]
    assert structure.based_on_id is None


def test_stamp_tells_history_who_and_why():
    structure = Structure(name="Ny")
    assert stamp(structure, "bruger", "Fordi.") is structure
    assert (structure._history_user, structure._change_reason) == ("bruger", "Fordi.")


def test_field_changes_lists_what_differs_with_both_values_as_shown():
    from types import SimpleNamespace

    from orgreg.history import FieldChange, field_changes

    before = SimpleNamespace(name="Team A", headcount=4, code="A")
    after = SimpleNamespace(name="Team Aa", headcount=5, code="A")
    changes = field_changes(before, after, ("name", "headcount", "code"),
                            {"name": "navn", "headcount": "medarbejdere", "code": "kode"},
                            lambda f, v: f"<{v}>")
    assert changes == (FieldChange("navn", "<Team A>", "<Team Aa>"),
                       FieldChange("medarbejdere", "<4>", "<5>"))


def test_history_user_is_the_full_name_or_the_username_or_system(db):
    from django.contrib.auth import get_user_model

    from orgreg.history import history_user

    named = get_user_model()(username="aase", first_name="Åse", last_name="Ærø")
    assert history_user(named) == "Åse Ærø"
    assert history_user(get_user_model()(username="bo")) == "bo"
    assert history_user(None) == "system"
