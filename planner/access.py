"""Who may do what: three roles held as Django groups (created by migration 0004).

- viewers read everything: pages, the read API and the workflow streams;
- planners also upload data, extract parameters and start workflows and agent steps;
- approvers also commit: manufacturing orders, markdowns and replenishment shipments.

A user holds the roles of their groups; a superuser holds all three. A signed-in user with no
role sees nothing. Every season belongs to the retailer as a whole, so a user who may view
may view every workflow.
"""

from __future__ import annotations

from typing import Any

VIEWERS = "viewers"
PLANNERS = "planners"
APPROVERS = "approvers"
ROLES = (VIEWERS, PLANNERS, APPROVERS)

# Each role includes the reading role: a planner or approver needs to see what they act on.
_ACTIONS = {
    "view": {VIEWERS, PLANNERS, APPROVERS},
    "plan": {PLANNERS},
    "approve": {APPROVERS},
}


def user_roles(user: Any) -> set[str]:
    if user is None or not user.is_authenticated or not user.is_active:
        return set()
    if user.is_superuser:
        return set(ROLES)
    cached: set[str] | None = getattr(user, "_season_roles", None)
    if cached is None:
        cached = set(user.groups.filter(name__in=ROLES).values_list("name", flat=True))
        user._season_roles = cached
    return cached


def user_can(user: Any, action: str) -> bool:
    """`action` is "view", "plan" or "approve"."""
    return bool(user_roles(user) & _ACTIONS[action])
