from django.apps import AppConfig


class TimelineConfig(AppConfig):
    name = "timeline"
    verbose_name = "Tidsplan"

    def ready(self):
        from orgreg import slots
        from timeline.templatetags.timeline_tags import process_bar

        # An organisation's and a structure's pages show how far the plan has come.
        slots.register("organisation", "timeline/_process_bar.html", process_bar)
