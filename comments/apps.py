from django.apps import AppConfig


class CommentsConfig(AppConfig):
    name = "comments"
    verbose_name = "Kommentarer og høringssvar"

    def ready(self):
        from comments import slots as parts
        from orgreg import slots

        slots.register("structure-tabs", "comments/_structure_tab.html", parts.structure_tab)
        slots.register("edit-panel", "comments/_edit_panel.html", parts.edit_panel)
        slots.register("compare", "comments/_compare.html", parts.compare)
