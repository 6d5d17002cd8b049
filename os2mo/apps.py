from django.apps import AppConfig


class Os2moConfig(AppConfig):
    name = "os2mo"
    verbose_name = "OS2mo"

    def ready(self):
        from orgreg import slots

        from .views import plan_link

        # An organisation's page offers editors to read OS2mo into a new structure.
        slots.register("organisation", "os2mo/_organisation_pull.html", pull_button)
        # A decided structure's page links editors to its plan for OS2mo.
        slots.register("organisation", "os2mo/_plan_link.html", plan_link)


def pull_button(context, organisation, *args):
    from orgreg.roles import policy

    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    return {"organisation": organisation,
            "can_pull": organisation is not None and policy(user).can_pull_from_os2mo}
