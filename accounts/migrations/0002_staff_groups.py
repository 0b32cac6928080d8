from django.contrib.auth.management import create_permissions
from django.db import migrations

VIEWER_PERMISSIONS = ["view_payrollaccount"]
MANAGER_PERMISSIONS = [
    f"{action}_payrollaccount" for action in ("add", "change", "delete", "view")
]


def grant(apps, schema_editor):
    # Permissions are normally created after all migrations; make sure they exist now.
    app_config = apps.get_app_config("accounts")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in (("Viewers", VIEWER_PERMISSIONS), ("Managers", MANAGER_PERMISSIONS)):
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label="accounts", codename__in=codenames)
        )


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    for group in apps.get_model("auth", "Group").objects.filter(name__in=["Viewers", "Managers"]):
        group.permissions.remove(
            *Permission.objects.filter(content_type__app_label="accounts")
        )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_payroll_accounts"),
        # The groups themselves come from the companies app.
        ("companies", "0002_staff_groups"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
