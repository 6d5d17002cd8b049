from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "orgreg.accounts"
    label = "accounts"
    verbose_name = "Brugere og login"

    def ready(self) -> None:
        from django.contrib.auth import user_logged_in

        import orgreg.accounts.checks  # noqa: F401  (registers the settings check)
        from orgreg.accounts import audit, session

        audit.connect()
        user_logged_in.connect(session._logged_in, dispatch_uid="orgreg.accounts.session")
