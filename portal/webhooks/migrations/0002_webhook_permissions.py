from django.contrib.auth.management import create_permissions
from django.db import migrations


def grant(apps, schema_editor):
    app_config = apps.get_app_config("webhooks")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    viewing = ["view_endpoint", "view_delivery", "view_event"]
    for name, codenames in (
        ("Viewers", viewing),
        ("Managers", [*viewing, "add_endpoint", "change_endpoint", "delete_endpoint"]),
    ):
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label="webhooks", codename__in=codenames)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("webhooks", "0001_events_endpoints_deliveries"),
        ("companies", "0004_link_settings_permissions"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
