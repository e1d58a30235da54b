"""Permissions on the work of the inbox (saved replies, notes, forwards, approvals, settings) for the roles, written out so that this migration never changes meaning."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ROLE_PERMISSIONS = {
    "communication_unit": [
        "view_savedreply",
        "add_savedreply",
        "change_savedreply",
        "delete_savedreply",
        "view_note",
        "add_note",
        "view_forward",
        "add_forward",
        "view_replyapproval",
        "change_replyapproval",
        "view_inboxsettings",
        "change_inboxsettings",
        "view_activity",
    ],
    "manager": ["view_savedreply", "view_note", "view_forward", "view_replyapproval", "view_activity"],
    "employee": ["answer_forwarded", "view_savedreply", "add_note"],
}


def grant(apps, schema_editor):
    app_config = apps.get_app_config("inbox")
    app_config.models_module = True  # the historical app stub lacks it; create_permissions checks it
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, codenames in ROLE_PERMISSIONS.items():
        group = Group.objects.get(name=role)
        permissions = Permission.objects.filter(content_type__app_label="inbox", codename__in=codenames)
        assert permissions.count() == len(codenames), f"missing permissions for {role}"
        group.permissions.add(*permissions)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, codenames in ROLE_PERMISSIONS.items():
        for group in Group.objects.filter(name=role):
            group.permissions.remove(
                *Permission.objects.filter(content_type__app_label="inbox", codename__in=codenames)
            )


class Migration(migrations.Migration):
    dependencies = [
        ("inbox", "0010_inbox_work"),
        ("inbox", "0006_roles_rulebook"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
