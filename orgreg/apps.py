from django.apps import AppConfig


class OrgregConfig(AppConfig):
    name = "orgreg"
    verbose_name = "orgreg"
