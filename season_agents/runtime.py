"""One interface per agent step, two backends (STYLE.md section 4).

A step has a tool (a planner service that runs the engine and persists its result) and a
headline figure. The deterministic backend calls the tool and writes templated reasoning. The
SDK backend gives the tool to an OpenAI Agents SDK agent, which must call it and then explain
the result; an output guardrail checks the figure the agent states against the tool's result.
Any provider failure (error, timeout, refusal, malformed output, a tripped guardrail, a tool
never called) becomes AgentProviderError, and the step falls back to the deterministic
backend, recording why. The numbers always come from the tool.
"""

import asyncio
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.conf import settings

logger = logging.getLogger(__name__)

AGENT_INSTRUCTIONS = {
    "orchestrator": (
        "You coordinate a fashion season plan: Demand forecasts, Inventory sizes and allocates "
        "the order, Pricing plans the markdown checkpoint. Call review_season_parameters, then "
        "summarise the plan in two sentences."
    ),
    "demand": (
        "You are the demand planner. Call forecast_demand exactly once, then explain the "
        "forecast (total, peak week, which member got more weight and why) in at most four "
        "sentences. Quote the total units exactly as the tool returned them."
    ),
    "inventory": (
        "You are the inventory planner. Call plan_inventory exactly once, then explain the "
        "safety stock, the manufacturing quantity and the DC/store split in at most four "
        "sentences. Quote the manufacturing quantity exactly as the tool returned it."
    ),
    "pricing": (
        "You are the pricing planner. Call plan_markdown_checkpoint exactly once, then explain "
        "when and how markdowns will be decided, in at most three sentences."
    ),
}
TOOL_NAMES = {
    "orchestrator": "review_season_parameters",
    "demand": "forecast_demand",
    "inventory": "plan_inventory",
    "pricing": "plan_markdown_checkpoint",
}


class AgentProviderError(Exception):
    """The model could not produce a usable step; the deterministic backend takes over."""


@dataclass
class StepResult:
    """What a step's tool returns: a JSON-able summary and the figure an agent must quote."""

    summary: dict[str, Any]
    headline: float | None
    reasoning_template: str
    payload: Any = None  # the persisted object, for the workflow


@dataclass
class StepOutcome:
    result: StepResult
    reasoning: str
    mode: str  # "deterministic" or "llm"
    fallback_reason: str = ""


@dataclass
class StepContext:
    """The run context the SDK passes to tools: the season parameters and the step's tool."""

    agent: str
    parameters: dict[str, Any]
    tool: Callable[[], StepResult]
    result: StepResult | None = field(default=None)


class Backend(Protocol):
    name: str

    def run_step(
        self, agent: str, parameters: dict[str, Any], tool: Callable[[], StepResult]
    ) -> StepOutcome: ...


class DeterministicBackend:
    name = "deterministic"

    def run_step(
        self, agent: str, parameters: dict[str, Any], tool: Callable[[], StepResult]
    ) -> StepOutcome:
        result = tool()
        return StepOutcome(result, result.reasoning_template, self.name)


def _explanation_type() -> Any:
    from pydantic import BaseModel, Field

    class StepExplanation(BaseModel):
        reasoning: str = Field(description="Why the numbers are what they are, for a merchandiser.")
        stated_figure: float | None = Field(
            description="The headline figure you quote (total units or manufacturing quantity)."
        )

    return StepExplanation


class SdkBackend:
    """Runs the step's agent with the OpenAI Agents SDK on `model`."""

    name = "llm"

    def __init__(self, model: Any, *, timeout_seconds: float = 60.0, max_turns: int = 4) -> None:
        from agents import set_tracing_disabled

        set_tracing_disabled(True)  # no trace upload from an offline or self-hosted install
        self.model = model
        self.timeout_seconds = timeout_seconds
        self.max_turns = max_turns

    def _agent(self, agent_name: str) -> Any:
        from agents import (
            Agent,
            GuardrailFunctionOutput,
            RunContextWrapper,
            function_tool,
            output_guardrail,
        )

        @function_tool(name_override=TOOL_NAMES[agent_name])
        async def run_tool(ctx: RunContextWrapper[StepContext]) -> str:
            """Runs the planning engine for this step and returns its figures as JSON."""
            if ctx.context.result is None:
                # The tool writes to the database through Django's sync ORM.
                ctx.context.result = await asyncio.to_thread(ctx.context.tool)
            return json.dumps(ctx.context.result.summary, default=str)

        @output_guardrail
        async def figures_match_tools(
            ctx: RunContextWrapper[StepContext], agent: Any, output: Any
        ) -> GuardrailFunctionOutput:
            result = ctx.context.result
            claimed = getattr(output, "stated_figure", None)
            mismatch = result is None or (
                result.headline is not None
                and claimed is not None
                and abs(claimed - result.headline) > max(1.0, 0.005 * abs(result.headline))
            )
            return GuardrailFunctionOutput(
                output_info={"claimed": claimed, "tool": result.headline if result else None},
                tripwire_triggered=mismatch,
            )

        return Agent[StepContext](
            name=f"{agent_name.capitalize()} Agent",
            instructions=AGENT_INSTRUCTIONS[agent_name],
            tools=[run_tool],
            output_type=_explanation_type(),
            output_guardrails=[figures_match_tools],
            model=self.model,
        )

    def run_step(
        self, agent: str, parameters: dict[str, Any], tool: Callable[[], StepResult]
    ) -> StepOutcome:
        from agents import Runner
        from agents.exceptions import AgentsException
        from openai import OpenAIError

        context = StepContext(agent=agent, parameters=parameters, tool=tool)
        prompt = f"Season parameters: {json.dumps(parameters, default=str)}"
        try:
            run = Runner.run(self._agent(agent), prompt, context=context, max_turns=self.max_turns)
            output = asyncio.run(asyncio.wait_for(run, timeout=self.timeout_seconds))
        except TimeoutError as exc:
            raise AgentProviderError(
                f"TimeoutError: no answer within {self.timeout_seconds:g} s"
            ) from exc
        except (AgentsException, OpenAIError) as exc:
            raise AgentProviderError(f"{type(exc).__name__}: {exc}") from exc
        if context.result is None:
            raise AgentProviderError(f"the model never called {TOOL_NAMES[agent]}")
        reasoning = str(getattr(output.final_output, "reasoning", "")).strip()
        if not reasoning:
            raise AgentProviderError("the model gave no reasoning")
        return StepOutcome(context.result, reasoning, self.name)


def default_backend() -> Backend:
    """The backend chosen by AGENT_BACKEND: "deterministic", "llm", or "auto" (the SDK when an
    API key is configured)."""
    choice = settings.AGENT_BACKEND
    if choice == "deterministic" or (choice == "auto" and not settings.OPENAI_API_KEY):
        return DeterministicBackend()
    from agents.models.openai_chatcompletions import OpenAIChatCompletionsModel
    from openai import AsyncOpenAI

    client = AsyncOpenAI(
        api_key=settings.OPENAI_API_KEY or "not-set",
        base_url=settings.OPENAI_BASE_URL or None,
        timeout=settings.OPENAI_TIMEOUT_SECONDS,
        max_retries=2,
    )
    model = OpenAIChatCompletionsModel(model=settings.OPENAI_MODEL, openai_client=client)
    return SdkBackend(model, timeout_seconds=settings.OPENAI_TIMEOUT_SECONDS * 3)


def run_agent_step(
    backend: Backend, agent: str, parameters: dict[str, Any], tool: Callable[[], StepResult]
) -> StepOutcome:
    """Runs a step on `backend`; on AgentProviderError, deterministically with the reason.

    The tool runs at most once: if the model called it before failing, its result is reused.
    """
    calls: list[StepResult] = []

    def once() -> StepResult:
        if not calls:
            calls.append(tool())
        return calls[0]

    try:
        return backend.run_step(agent, parameters, once)
    except AgentProviderError as exc:
        logger.warning("agent %s fell back to deterministic mode: %s", agent, exc)
        outcome = DeterministicBackend().run_step(agent, parameters, once)
        outcome.fallback_reason = str(exc)
        return outcome
