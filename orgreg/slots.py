"""Places on one app's pages where other apps put a part of their own.

A unit's page shows the MED bodies that cover it and an organisation's page the plan's process
bar, yet `units` imports neither `med` nor `timeline`: the page names a slot
(``{% slot "unit" unit %}``), and each app with something to show there registers, in its
AppConfig.ready(), a template and the function that fills it. A slot nobody fills renders
nothing, so `units` works without the other apps.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

from django.template import Context
from django.utils.safestring import SafeString, mark_safe

# slot → [(template name, function(context, *args) → the template's data)]
_parts: dict[str, list[tuple[str, Callable[..., dict[str, Any]]]]] = defaultdict(list)


def register(slot: str, template_name: str, data: Callable[..., dict[str, Any]]) -> None:
    """Show `template_name`, filled with ``data(context, *args)``, wherever `slot` is named."""
    entry = (template_name, data)
    if entry not in _parts[slot]:
        _parts[slot].append(entry)


def render(slot: str, context: Context, *args: Any) -> SafeString:
    """Every part registered for `slot`, in registration order. Rendered like an inclusion
    tag: in a new layer of the page's context, so no context processor runs again."""
    html = []
    for template_name, data in _parts.get(slot, ()):
        template = context.template.engine.get_template(template_name)
        html.append(template.render(context.new(data(context, *args))))
    return mark_safe("".join(html))  # each part is a rendered, autoescaped template
