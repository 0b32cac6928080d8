"""The staff groups the data migration creates: "Viewers" and "Managers"."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group

ACTIONS = ("add", "change", "delete", "view")
MODELS = ("company", "dataconnection")


def codenames(group_name: str) -> set[str]:
    group = Group.objects.get(name=group_name)
    return {
        f"{p.content_type.app_label}.{p.codename}"
        for p in group.permissions.select_related("content_type")
    }


class TestViewers:
    def test_it_exists(self, db):
        assert Group.objects.filter(name="Viewers").exists()

    def test_it_may_view_companies_and_connections(self, db):
        assert {"companies.view_company", "companies.view_dataconnection"} <= codenames("Viewers")

    def test_it_may_only_view(self, db):
        assert all(".view_" in codename for codename in codenames("Viewers"))

    @pytest.mark.parametrize("model", MODELS)
    @pytest.mark.parametrize("action", ["add", "change", "delete"])
    def test_a_viewer_may_not_change_anything(self, viewer, action, model):
        assert not viewer.has_perm(f"companies.{action}_{model}")


class TestManagers:
    def test_it_exists(self, db):
        assert Group.objects.filter(name="Managers").exists()

    def test_it_may_do_everything_with_companies_and_connections(self, db):
        expected = {f"companies.{action}_{model}" for action in ACTIONS for model in MODELS}
        assert expected <= codenames("Managers")

    @pytest.mark.parametrize("model", MODELS)
    @pytest.mark.parametrize("action", ACTIONS)
    def test_a_manager_has_the_permission(self, manager, action, model):
        assert manager.has_perm(f"companies.{action}_{model}")

    def test_it_is_not_superuser_or_staff(self, manager):
        # Being a manager gives the portal, not the Django admin.
        assert not manager.is_superuser
        assert not manager.is_staff


class TestNoGroup:
    @pytest.mark.parametrize("model", MODELS)
    @pytest.mark.parametrize("action", ACTIONS)
    def test_an_outsider_has_no_permission(self, outsider, action, model):
        assert not outsider.has_perm(f"companies.{action}_{model}")


def test_the_groups_are_created_once(db):
    assert Group.objects.filter(name="Viewers").count() == 1
    assert Group.objects.filter(name="Managers").count() == 1
