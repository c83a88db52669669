"""OpenAPI operation ids a person can read: the view's name, its agent and its action
("workflowWhatIf", "manufacturingApproval", "agentStepDemand") instead of the path spelled
out ("api_agents_demand_forecast_create")."""

from __future__ import annotations

from drf_spectacular.openapi import AutoSchema

HANDLERS = ("get", "post", "put", "patch", "delete")


class ReadableAutoSchema(AutoSchema):
    def get_operation_id(self) -> str:
        name = type(self.view).__name__
        for suffix in ("ViewSet", "View"):
            if name.endswith(suffix):
                name = name[: -len(suffix)]
                break
        parts = [name]
        agent = getattr(self.view, "agent", None)
        if agent:
            parts.append(str(agent).capitalize())
        action = getattr(self.view, "action", None)
        if action:
            parts.append(action.title().replace("_", ""))
        elif sum(hasattr(self.view, handler) for handler in HANDLERS) > 1:
            parts.append(self.method.title())
        operation = "".join(parts)
        return operation[0].lower() + operation[1:]
