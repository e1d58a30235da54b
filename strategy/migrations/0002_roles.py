"""
The three roles as Django groups, with their permissions.

The permission lists are written out here, not imported, so that this migration
means the same thing forever; later migrations grant the permissions of later models.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

STRATEGY_MODELS = ["goal", "targetgroup", "purpose", "channel", "theme", "team", "teammembership", "guideline"]

ROLE_PERMISSIONS = {
    # Owns the strategy: reads and edits all of it.
    "communication_unit": [
        f"{action}_{model}" for model in STRATEGY_MODELS for action in ("view", "add", "change", "delete")
    ],
    # Reviews: reads the whole strategy, edits nothing.
    "manager": [f"view_{model}" for model in STRATEGY_MODELS],
    # Reads the guidelines and who to contact.
    "employee": ["view_guideline", "view_team"],
}


def create_roles(apps, schema_editor):
    # Permissions are normally created after all migrations (post_migrate); make
    # them now so that they can be granted here.
    app_config = apps.get_app_config("strategy")
    app_config.models_module = True  # the historical app stub lacks it; create_permissions checks it
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, codenames in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        permissions = Permission.objects.filter(content_type__app_label="strategy", codename__in=codenames)
        assert permissions.count() == len(codenames), f"missing permissions for {role}"
        group.permissions.add(*permissions)


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLE_PERMISSIONS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("strategy", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
