from django.apps import AppConfig


class MedConfig(AppConfig):
    name = "med"
    verbose_name = "MED"

    def ready(self):
        from med.templatetags.med_tags import unit_med_bodies
        from orgreg import slots

        # A unit's pages (unit page, Min enhed) list the MED bodies that cover it.
        slots.register("unit", "med/_unit_med_bodies.html", unit_med_bodies)

        # Consultation mails and reminders: queued by notify's sweep when due, and checked
        # again before each attempt.
        from med import mailing
        from notify import due, sending

        due.register("med.consultations", mailing.produce)
        for kind in (mailing.SENT, mailing.REMINDER):
            sending.register_check(kind, mailing.check)
