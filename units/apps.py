from django.apps import AppConfig


class UnitsConfig(AppConfig):
    name = "units"
    verbose_name = "Organisering"

    def ready(self) -> None:
        # The code version of the markup cache, once at start rather than in a first request.
        from units.markup.cache import code_version

        code_version()
