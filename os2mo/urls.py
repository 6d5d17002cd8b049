from django.urls import path

from . import views

app_name = "os2mo"

urlpatterns = [
    path("organisation/<int:pk>/hent/", views.pull_page, name="pull"),
]
