from django.apps import AppConfig


class Os2moConfig(AppConfig):
    name = "os2mo"
    verbose_name = "OS2mo"
