from django.urls import path

from units.views import structures

urlpatterns = [
    path("", structures.home, name="home"),
    path("organisation/<int:pk>/", structures.organisation_detail, name="organisation-detail"),
    path("structure/<int:pk>/", structures.structure_detail, name="structure-detail"),
    path("unit/<int:pk>/", structures.unit_detail, name="unit-detail"),
]
