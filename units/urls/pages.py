"""URLs of the browser pages. Names others link to: home, organisation-detail,
structure-detail, unit-detail, my-unit."""

from django.urls import path

from units.views import alternatives, edit, placement, structures, undo, units

urlpatterns = [
    path("", structures.home, name="home"),
    path("organisation/<int:pk>/", structures.organisation_detail, name="organisation-detail"),
    path("organisation/<int:pk>/ny-organisering/", edit.structure_create, name="structure-create"),
    path("structure/<int:pk>/", structures.structure_detail, name="structure-detail"),
    path("structure/<int:pk>/outline/", structures.structure_outline, name="structure-outline"),
    path("structure/<int:pk>/history/", structures.structure_history, name="structure-history"),
    path("structure/<int:pk>/compare/", structures.structure_compare_pick,
         name="structure-compare-pick"),
    path("structure/<int:pk>/compare/<int:other>/", structures.structure_compare,
         name="structure-compare"),
    path("structure/<int:pk>/alternativer/", alternatives.structure_alternatives,
         name="structure-alternatives"),
    path("structure/<int:pk>/edit/", edit.structure_edit, name="structure-edit"),
    path("structure/<int:pk>/edit/unit/<int:unit_pk>/order/", placement.unit_reorder,
         name="unit-reorder"),
    path("structure/<int:pk>/edit/unit/<int:unit_pk>/move-targets/", placement.move_targets,
         name="unit-move-targets"),
    path("structure/<int:pk>/edit/unit/<int:unit_pk>/<slug:action>/", edit.unit_action,
         name="unit-action"),
    path("structure/<int:pk>/undo/<int:operation>/", undo.structure_undo,
         name="structure-undo"),
    path("structure/<int:pk>/restore/", undo.structure_restore, name="structure-restore"),
    path("structure/<int:pk>/settings/", edit.structure_settings, name="structure-settings"),
    path("structure/<int:pk>/status/", edit.structure_status, name="structure-status"),
    path("structure/<int:pk>/copy/", edit.structure_copy, name="structure-copy"),
    path("unit/<int:pk>/", units.unit_detail, name="unit-detail"),
    path("unit/<int:pk>/ledere/", units.unit_managers, name="unit-managers"),
    path("min-enhed/", units.my_unit, name="my-unit"),
    path("min-enhed/soeg/", units.unit_search, name="unit-search"),
]
