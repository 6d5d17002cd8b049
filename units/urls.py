from django.urls import path

from . import views

app_name = "units"

urlpatterns = [
    path("", views.home, name="home"),
    path("organisation/<int:pk>/", views.organisation_detail, name="organisation-detail"),
    path("structure/<int:pk>/", views.structure_detail, name="structure-detail"),
    path("unit/<int:pk>/", views.unit_detail, name="unit-detail"),
]
