from django.apps import AppConfig


class Os2moConfig(AppConfig):
    name = "os2mo"
    verbose_name = "OS2mo"

    def ready(self):
        from orgreg import slots

        from .views import plan_link

        # A decided structure's page links editors to its plan for OS2mo.
        slots.register("organisation", "os2mo/_plan_link.html", plan_link)
