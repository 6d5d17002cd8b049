from django.apps import AppConfig


class OrgregConfig(AppConfig):
    name = "orgreg"
    verbose_name = "orgreg"

    def ready(self) -> None:
        from django.contrib.auth import user_logged_in

        from orgreg.accounts import audit, session

        audit.connect()
        user_logged_in.connect(session._logged_in, dispatch_uid="orgreg.accounts.session")
