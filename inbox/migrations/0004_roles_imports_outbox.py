"""Permissions on CSV imports, the outbox and the YouTube poller for the roles, written out so that this migration never changes meaning."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ROLE_PERMISSIONS = {
    "communication_unit": ["add_csvimport", "view_csvimport", "view_outboxmessage", "view_youtubepollstate"],
    "manager": ["view_outboxmessage"],
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
        ("inbox", "0003_outbox_imports_youtube_state"),
        ("inbox", "0002_roles"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
