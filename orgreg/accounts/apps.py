from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "orgreg.accounts"
    label = "accounts"
    verbose_name = "Brugere og login"

    def ready(self) -> None:
        from orgreg.accounts import checks  # noqa: F401  (registers the settings check)
