"""
The product's roles, as code: one map of role -> permissions, applied after every
migrate (and every flush), so that each group holds exactly these permissions.

- `communication_unit` owns the strategy, its rules, the saved replies and the inbox;
- `manager` reads the strategy, the rules and the inbox (and the dashboards), changes nothing;
- `employee` reads the guidelines and the teams, and answers or hands back the posts
  forwarded to them (`inbox.answer_forwarded`); nothing else.
"""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.utils.translation import gettext_lazy as _

COMMUNICATION_UNIT = "communication_unit"
MANAGER = "manager"
EMPLOYEE = "employee"

ROLE_NAMES = {
    COMMUNICATION_UNIT: _("Communication unit"),
    MANAGER: _("Manager"),
    EMPLOYEE: _("Employee"),
}

# Who may read the response reports (the dashboards, the API's summary, the weekly digest).
READS_REPORTS = "inbox.view_dailyrollup"

CRUD = ("view", "add", "change", "delete")
STRATEGY_MODELS = (
    "goal",
    "targetgroup",
    "purpose",
    "channel",
    "theme",
    "team",
    "teammembership",
    "guideline",
    "dutyshift",
    "dutydeviation",
)
RULE_MODELS = ("replyrule", "knownclaim", "responsepolicy", "responsibilityrule")


def _all(app: str, models: tuple[str, ...], actions: tuple[str, ...] = CRUD) -> set[str]:
    return {f"{app}.{action}_{model}" for model in models for action in actions}


ROLES: dict[str, set[str]] = {
    COMMUNICATION_UNIT: _all("strategy", STRATEGY_MODELS + RULE_MODELS)
    | _all("inbox", ("savedreply",))
    | {
        "inbox.view_post",
        "inbox.change_post",
        "inbox.view_author",
        "inbox.view_webhookdelivery",
        "inbox.add_csvimport",
        "inbox.view_csvimport",
        "inbox.view_outboxmessage",
        "inbox.view_youtubepollstate",
        "inbox.view_triagedecision",
        "inbox.view_note",
        "inbox.add_note",
        "inbox.view_forward",
        "inbox.add_forward",
        "inbox.view_replyapproval",
        "inbox.change_replyapproval",
        "inbox.view_inboxsettings",
        "inbox.change_inboxsettings",
        "inbox.view_activity",
        "inbox.view_dailyrollup",
    },
    MANAGER: _all("strategy", STRATEGY_MODELS + RULE_MODELS, ("view",))
    | {
        "inbox.view_post",
        "inbox.view_author",
        "inbox.view_outboxmessage",
        "inbox.view_triagedecision",
        "inbox.view_savedreply",
        "inbox.view_note",
        "inbox.view_forward",
        "inbox.view_replyapproval",
        "inbox.view_activity",
        "inbox.view_dailyrollup",
    },
    EMPLOYEE: {
        "strategy.view_guideline",
        "strategy.view_team",
        "inbox.answer_forwarded",
        "inbox.view_savedreply",
        "inbox.add_note",
    },
}


class UnknownPermission(LookupError):
    """A role names a permission no model has: a typo, or a model that was renamed."""


def apply_roles(*, using: str = "default", apps=global_apps) -> None:
    """Make each role's group hold exactly its permissions in ROLES (creating groups and permissions)."""
    for app_config in global_apps.get_app_configs():
        create_permissions(app_config, verbosity=0, using=using, apps=apps)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, names in ROLES.items():
        wanted = {tuple(name.split(".", 1)) for name in names}
        found = {
            (app_label, codename): pk
            for pk, app_label, codename in Permission.objects.using(using)
            .filter(codename__in=[codename for _app, codename in wanted])
            .values_list("pk", "content_type__app_label", "codename")
        }
        missing = wanted - set(found)
        if missing:
            raise UnknownPermission(f"{role}: no such permission {sorted('.'.join(m) for m in missing)}")
        group, _created = Group.objects.using(using).get_or_create(name=role)
        group.permissions.set([found[key] for key in wanted])


def apply_roles_after_migrate(sender, *, using: str = "default", apps=global_apps, **kwargs) -> None:
    """post_migrate receiver: once per migrate (for the last app), when every model's permissions can exist."""
    if sender.label != list(global_apps.get_app_configs())[-1].label:
        return
    apply_roles(using=using, apps=apps)


def role_names(user) -> list[str]:
    """The display names of the roles this user has, in a stable order."""
    if not user.is_authenticated:
        return []
    groups = {group.name for group in user.groups.all()}
    return [str(name) for role, name in ROLE_NAMES.items() if role in groups]
