from django.conf import settings

from orgreg.roles import policy


def roles(request):
    """The user's policy for templates, and its role flags, so navigation and links show only
    what the user may use. Templates read these; they never look at groups themselves."""
    rules = policy(getattr(request, "user", None))
    return {
        "policy": rules,
        "is_editor": rules.is_editor,
        "is_med_member": rules.is_med_member,
        "is_manager": rules.is_manager,
        "role_names": rules.role_names,
        "can_administer": rules.can_administer,
        "span_of_control": settings.ORGREG_SPAN_OF_CONTROL,
    }
