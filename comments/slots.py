"""What this app shows on the units app's pages (orgreg/slots.py): a tab on a structure's
pages, the comments on the selected unit in the edit panel, and the comments beside a
comparison. Each reads through comments.selectors, so the user sees only what orgreg.roles
allows."""

from __future__ import annotations

from django.urls import reverse

from orgreg import roles
from units.models import Status

from . import selectors


def _user(context):
    request = context.get("request")
    return getattr(request, "user", None) or context.get("user")


def structure_tab(context, structure, tab: str = "") -> dict:
    """The tab to the comments page: for editors, for those who may comment now, and for MED
    members and managers once the consultation is over (to read the replies). No queries."""
    rules = roles.policy(_user(context))
    shown = rules.is_editor or rules.can_comment_on(structure) or (
        structure.status in (Status.APPROVED, Status.PUBLISHED)
        and (rules.is_med_member or rules.is_manager) and rules.can_see_structure(structure))
    return {"shown": shown, "structure": structure, "current": tab == "comments"}


def _back(context) -> str:
    request = context.get("request")
    return request.get_full_path() if request is not None else ""


def edit_panel(context, structure, selected) -> dict:
    """The comments an editor works through beside the selected unit (its own and those on
    the units it continues), or about the structure and its basis with no unit selected.
    One query."""
    user = _user(context)
    comments = (selectors.unit_comments(selected, user) if selected is not None
                else selectors.structure_level_comments(structure, user))
    return {"comments": comments, "selected": selected, "back": _back(context),
            "can_handle": roles.policy(user).is_editor, "show_unit": False,
            "page_url": reverse("comments:structure-comments", args=[structure.pk])}


def compare(context, old, new) -> dict:
    """The comments on either compared structure, per unit. One query."""
    user = _user(context)
    return {"groups": selectors.compared_comments(old, new, user), "back": _back(context),
            "can_handle": roles.policy(user).is_editor, "old": old, "new": new}
