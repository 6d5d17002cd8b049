from django.conf import settings

from orgreg import roles as roles_module


def roles(request):
    """Role flags for templates, so navigation shows only what the user may use."""
    user = getattr(request, "user", None)
    return {
        "is_editor": roles_module.is_editor(user),
        "is_med_member": roles_module.is_med_member(user),
        "is_manager": roles_module.is_manager(user),
        "role_names": roles_module.role_names(user),
        "span_of_control": settings.ORGREG_SPAN_OF_CONTROL,
    }
