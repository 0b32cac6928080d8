from django.contrib.auth.management import create_permissions
from django.db import migrations

VIEWER_PERMISSIONS = ["view_company", "view_dataconnection"]
MANAGER_PERMISSIONS = [
    f"{action}_{model}"
    for model in ("company", "dataconnection")
    for action in ("add", "change", "delete", "view")
]


def create_groups(apps, schema_editor):
    # Permissions are normally created after all migrations; make sure they exist now.
    app_config = apps.get_app_config("companies")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in (("Viewers", VIEWER_PERMISSIONS), ("Managers", MANAGER_PERMISSIONS)):
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label="companies", codename__in=codenames)
        )


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=["Viewers", "Managers"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("companies", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
