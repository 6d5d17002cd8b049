"""What units tells other apps without knowing them (units imports no other app).

`status_changed` is sent by units.services.set_status inside its transaction, after the
structure is saved with its new status: ``receiver(sender=Structure, structure=, old=, new=,
user=)``, `old` and `new` being units.models.Status values. A receiver that starts work
outside the database (a mail, a task) does it on commit (transaction.on_commit)."""

from django.dispatch import Signal

status_changed = Signal()
