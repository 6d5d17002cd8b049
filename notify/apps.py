from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "notify"
    verbose_name = "Udmeldinger og e-mail"

    def ready(self):
        from orgreg import slots
        from units.signals import status_changed

        from . import due, sending, udmelding, views

        # A structure published gets its udmelding (notify.udmelding).
        status_changed.connect(udmelding.on_status_changed,
                               dispatch_uid="notify.udmelding.on_status_changed")
        # Every udmelding letter asks, as it is sent, whether it may still go.
        sending.register_check(udmelding.KIND, udmelding.check_message)
        # The scheduler's sweep sends the udmeldinger whose moment has come.
        due.register("udmeldinger", udmelding.dispatch_due)
        # The structure page links to its Udmeldinger (editors).
        slots.register("structure", "notify/_structure_link.html", views.structure_slot)
