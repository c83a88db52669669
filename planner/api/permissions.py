"""DRF permissions over the roles of planner.access."""

from __future__ import annotations

from typing import Any

from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request

from planner.access import user_can


class RolePermission(BasePermission):
    """Reads need the viewer role (any role); writes need `write_action`'s role."""

    write_action = "plan"

    def has_permission(self, request: Request, view: Any) -> bool:
        action = "view" if request.method in SAFE_METHODS else self.write_action
        if user_can(request.user, action):
            return True
        if request.user and request.user.is_authenticated:
            self.message = _refusal(action)
        return False


class ApproverPermission(RolePermission):
    write_action = "approve"


def _refusal(action: str) -> str:
    role = {"view": "a role (viewer, planner or approver)", "plan": "the planner role"}.get(
        action, "the approver role"
    )
    return f"This needs {role}; ask an administrator to add you to the group."
