"""Template context: which actions the signed-in user may take (pages hide the others)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from planner.access import user_can


def roles(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    return {"can_plan": user_can(user, "plan"), "can_approve": user_can(user, "approve")}
