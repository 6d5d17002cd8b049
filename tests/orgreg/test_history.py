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
