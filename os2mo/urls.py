from django.urls import path

from . import views

app_name = "os2mo"

urlpatterns = [
    path("organisation/<int:pk>/hent/", views.pull_page, name="pull"),
    path("structure/<int:pk>/plan/", views.structure_plan, name="structure-plan"),
    path("structure/<int:pk>/plan/send/", views.structure_push, name="structure-push"),
    path("structure/<int:pk>/plan/json/", views.structure_plan_json, name="structure-plan-json"),
]
