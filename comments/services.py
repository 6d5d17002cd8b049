"""Writes to comments and høringssvar: leaving one, a body's answer, and handling by editors.

Who may write what is asked of orgreg.roles (`Policy.can_comment_on`,
`Policy.membership_to_answer`, `Policy.can_manage_structure`); a refusal is a
``ValidationError`` in Danish and writes nothing. Every write records its user and a reason in
history.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from med import services as med_services
from med.models import Consultation
from orgreg import clock
from orgreg.history import stamp
from orgreg.roles import policy
from orgreg.text import quoted
from orgreg.versions import check_version
from units.models import Structure, Unit

from .models import Comment, Kind

MAX_TEXT = 20_000

NOT_IN_CONSULTATION = ("Der kan kun skrives kommentarer til en organisering, der er i høring, "
                       "og som du har adgang til.")


def _text(text: str | None, field: str, empty: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationError({field: empty})
    if len(text) > MAX_TEXT:
        raise ValidationError({field: f"Teksten er for lang (højst {MAX_TEXT:,} tegn).".replace(
            ",", ".")})
    return text


def _check_unit(structure: Structure, unit: Unit | None) -> None:
    if unit is not None and unit.structure_id != structure.pk:
        raise ValidationError({"unit": f"{quoted(unit.name)} hører ikke til organiseringen."})


def _signature(user) -> str:
    return (user.get_full_name() or user.get_username()).strip()


@transaction.atomic
def add_comment(structure: Structure, *, text: str, user, unit: Unit | None = None) -> Comment:
    """A person's comment on `structure` or one of its units. Refuses anyone who may not
    comment on it (it is not in consultation, or they may not see it), an empty or overlong
    text and a unit of another structure."""
    structure = Structure.objects.get(pk=structure.pk)
    if not policy(user).can_comment_on(structure):
        raise ValidationError(NOT_IN_CONSULTATION)
    _check_unit(structure, unit)
    comment = Comment(structure=structure, unit=unit, kind=Kind.COMMENT, author=user,
                      author_name=_signature(user), created_at=clock.now(),
                      text=_text(text, "text", "Skriv din kommentar."))
    stamp(comment, user, f"Kommentar fra {comment.author_name}"
          f"{' om ' + quoted(unit.name) if unit else ''}.")
    comment.save()
    return comment


@transaction.atomic
def submit_answer(consultation: Consultation, *, text: str, user,
                  unit: Unit | None = None) -> Comment:
    """The consulted body's høringssvar, signed by `user` on its behalf, and from then on the
    consultation's answer (med.services.record_answer derives its day). Refuses a user who is
    not a member of the body today or may not comment on the structure, a consultation of a
    council or one already answered, an empty text and a unit of another structure."""
    consultation = Consultation.objects.select_related("structure", "body").get(
        pk=consultation.pk)
    rules = policy(user)
    if not rules.can_comment_on(consultation.structure):
        raise ValidationError(NOT_IN_CONSULTATION)
    membership = rules.membership_to_answer(consultation)
    if membership is None:
        raise ValidationError(
            f"Kun et medlem af {quoted(consultation.consulted)} kan afgive høringssvar på "
            "udvalgets vegne." if consultation.body_id else
            f"{consultation.consulted} svarer uden for orgreg; en redaktør registrerer svaret.")
    if consultation.answer_id is not None or consultation.responded_on is not None:
        raise ValidationError(f"{quoted(consultation.consulted)} har allerede svaret på høringen.")
    _check_unit(consultation.structure, unit)
    answer = Comment(structure=consultation.structure, unit=unit, kind=Kind.ANSWER, author=user,
                     author_name=membership.person_name, body=consultation.body,
                     membership=membership, created_at=clock.now(),
                     text=_text(text, "text", "Skriv høringssvaret."))
    reason = (f"Høringssvar fra {quoted(consultation.consulted)}, afgivet af "
              f"{membership.person_name}.")
    stamp(answer, user, reason)
    answer.save()
    med_services.record_answer(consultation, answer=answer, user=user, reason=reason)
    return answer


@transaction.atomic
def handle_comment(comment: Comment, *, reply: str, user,
                   expected_version: int | None = None) -> Comment:
    """An editor marks a comment handled with a reply to its author (or changes the reply of
    one handled before). Refuses anyone but an editor who sees the structure, an empty reply
    and a comment saved by someone else since `expected_version`."""
    try:
        locked = Comment.objects.select_for_update(of=("self",)).select_related(
            "structure").get(pk=comment.pk)
    except Comment.DoesNotExist:
        raise ValidationError("Kommentaren findes ikke længere.") from None
    if not policy(user).can_manage_structure(locked.structure):
        raise ValidationError("Kun redaktører kan behandle kommentarer.")
    check_version(locked, expected_version, what="Kommentaren")
    reply = _text(reply, "reply", "Skriv et svar til den, der har kommenteret.")
    again = locked.is_handled
    locked.reply = reply
    locked.handled_at = clock.now()
    locked.handled_by = user
    stamp(locked, user, f"{'Svar rettet' if again else 'Behandlet'}: {locked}.")
    locked.save()
    return locked
