"""The data migration gives Managers every payroll account permission, Viewers only view."""

from __future__ import annotations

import pytest

ACTIONS = ("add", "change", "delete", "view")


@pytest.mark.parametrize("action", ACTIONS)
def test_a_manager_has_the_permission(manager, action):
    assert manager.has_perm(f"accounts.{action}_payrollaccount")


def test_a_viewer_may_only_view(viewer):
    assert viewer.has_perm("accounts.view_payrollaccount")
    for action in ("add", "change", "delete"):
        assert not viewer.has_perm(f"accounts.{action}_payrollaccount")


@pytest.mark.parametrize("action", ACTIONS)
def test_an_outsider_has_none(outsider, action):
    assert not outsider.has_perm(f"accounts.{action}_payrollaccount")
