"""Template tags the other apps' pages use to show MED bodies (filled in by the med app)."""

from django import template

from med.selectors import bodies_covering
from orgreg import clock
from orgreg.roles import policy

register = template.Library()


@register.inclusion_tag("med/_unit_med_bodies.html", takes_context=True)
def unit_med_bodies(context, unit):
    """The MED bodies that cover a unit (a model Unit or a UnitNode): its own or an ancestor's
    coverage, current and future ones, top level first. Two queries (bodies, and which of
    them the user may open)."""
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    if unit is None or user is None:
        return {"unit": unit, "bodies": []}
    bodies = bodies_covering(unit)
    openable = set(
        policy(user).med_bodies().filter(pk__in=[b.pk for b in bodies]).values_list("pk", flat=True)
    ) if bodies else set()
    today = clock.today()
    return {
        "unit": unit,
        "bodies": [
            {"body": b, "in_force": b.is_valid_on(today)}
            for b in bodies if b.pk in openable
        ],
    }
