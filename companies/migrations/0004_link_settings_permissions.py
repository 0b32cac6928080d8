from django.contrib.auth.management import create_permissions
from django.db import migrations


def grant(apps, schema_editor):
    app_config = apps.get_app_config("companies")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in (
        ("Viewers", ["view_linksettings", "view_activityentry"]),
        ("Managers", ["view_linksettings", "change_linksettings", "view_activityentry"]),
    ):
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label="companies", codename__in=codenames)
        )


class Migration(migrations.Migration):
    dependencies = [("companies", "0003_link_flow_and_activity")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
