"""The product's roles: Django groups created by migration strategy/0002_roles."""

from django.utils.translation import gettext_lazy as _

COMMUNICATION_UNIT = "communication_unit"
MANAGER = "manager"
EMPLOYEE = "employee"

ROLE_NAMES = {
    COMMUNICATION_UNIT: _("Communication unit"),
    MANAGER: _("Manager"),
    EMPLOYEE: _("Employee"),
}


def role_names(user) -> list[str]:
    """The display names of the roles this user has, in a stable order."""
    if not user.is_authenticated:
        return []
    groups = {group.name for group in user.groups.all()}
    return [str(name) for role, name in ROLE_NAMES.items() if role in groups]
