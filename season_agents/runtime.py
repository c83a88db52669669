"""Agent steps: one interface, two backends.

A step has a tool (a planner service that runs the engine and stores its result) and a
headline figure. Steps run as a chain: Orchestrator -> Demand -> Inventory before the
manufacturing approval, Pricing after it.

- The deterministic backend calls each tool and writes templated reasoning.
- The SDK backend runs the chain as one OpenAI Agents SDK run: each agent calls its tool, then
  hands off to the next agent, passing a typed explanation (`input_type`); the last agent's
  typed output passes an output guardrail. Every stated figure is checked against the tool's
  result. Lifecycle hooks report each agent's start and completion as they happen.

Any provider failure (error, timeout, refusal, malformed output, a tripped guardrail, a tool
never called, a hand-off not made) becomes AgentProviderError; the agents not yet done then run
deterministically, reusing a tool result the model already obtained, and the outcome records
why. The numbers always come from the tools.
"""

import asyncio
import json
import logging
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.conf import settings

logger = logging.getLogger(__name__)

AGENT_INSTRUCTIONS = {
    "orchestrator": (
        "You coordinate a fashion season plan. Call review_season_parameters, then hand off to "
        "the Demand agent with a two-sentence summary of the plan."
    ),
    "demand": (
        "You are the demand planner. Call forecast_demand exactly once. Explain the forecast "
        "(total, peak week, which member got more weight and why) in at most four sentences, "
        "quoting the total units exactly as the tool returned them."
    ),
    "inventory": (
        "You are the inventory planner. Call plan_inventory exactly once. Explain the safety "
        "stock, the manufacturing quantity and the DC/store split in at most four sentences, "
        "quoting the manufacturing quantity exactly as the tool returned it."
    ),
    "pricing": (
        "You are the pricing planner. Call plan_markdown_checkpoint exactly once, then explain "
        "when and how markdowns will be decided, in at most three sentences."
    ),
}
HAND_ON = " When done, hand off to the next agent with your explanation."
TOOL_NAMES = {
    "orchestrator": "review_season_parameters",
    "demand": "forecast_demand",
    "inventory": "plan_inventory",
    "pricing": "plan_markdown_checkpoint",
}
AGENT_NAMES = {
    "orchestrator": "Orchestrator",
    "demand": "Demand",
    "inventory": "Inventory",
    "pricing": "Pricing",
}


class AgentProviderError(Exception):
    """The model could not produce a usable step; the deterministic backend takes over."""


@dataclass
class StepResult:
    """What a step's tool returns: a JSON-able summary and the figure an agent must quote."""

    summary: dict[str, Any]
    headline: float | None
    reasoning_template: str
    payload: Any = None  # the stored object, for the workflow


@dataclass
class StepOutcome:
    result: StepResult
    reasoning: str
    mode: str  # "deterministic" or "llm"
    fallback_reason: str = ""


class StepReporter(Protocol):
    """Told when each agent starts and completes (the workflow streams and stores these)."""

    def started(self, agent: str) -> None: ...

    def completed(self, agent: str, outcome: StepOutcome, seconds: float) -> None: ...


class Backend(Protocol):
    name: str

    def run_chain(
        self,
        agents: Sequence[str],
        parameters: dict[str, Any],
        tools: Mapping[str, Callable[[], StepResult]],
        reporter: StepReporter,
    ) -> None: ...


class DeterministicBackend:
    name = "deterministic"

    def run_chain(
        self,
        agents: Sequence[str],
        parameters: dict[str, Any],
        tools: Mapping[str, Callable[[], StepResult]],
        reporter: StepReporter,
    ) -> None:
        for agent in agents:
            started = time.perf_counter()
            reporter.started(agent)
            result = tools[agent]()
            outcome = StepOutcome(result, result.reasoning_template, self.name)
            reporter.completed(agent, outcome, time.perf_counter() - started)


def _explanation_type() -> Any:
    from pydantic import BaseModel, Field

    class StepExplanation(BaseModel):
        reasoning: str = Field(description="Why the numbers are what they are, for a merchandiser.")
        stated_figure: float | None = Field(
            description="The headline figure you quote (total units or manufacturing quantity)."
        )

    return StepExplanation


def _figure_mismatch(result: StepResult | None, claimed: float | None) -> str:
    """Why a stated figure cannot stand, or '' when it can."""
    if result is None:
        return "the model explained a result its tool never produced"
    if result.headline is None or claimed is None:
        return ""
    if abs(claimed - result.headline) > max(1.0, 0.005 * abs(result.headline)):
        return f"the model stated {claimed:,.0f} but the tool returned {result.headline:,.0f}"
    return ""


@dataclass
class _Chain:
    """The SDK run context: season parameters, the tools, and what each agent produced."""

    parameters: dict[str, Any]
    tools: Mapping[str, Callable[[], StepResult]]
    reporter: StepReporter
    results: dict[str, StepResult] = field(default_factory=dict)
    started_at: dict[str, float] = field(default_factory=dict)
    done: set[str] = field(default_factory=set)


class SdkBackend:
    """Runs a chain of agents with the OpenAI Agents SDK on `model`."""

    name = "llm"

    def __init__(self, model: Any, *, timeout_seconds: float = 60.0, max_turns: int = 12) -> None:
        from agents import set_tracing_disabled

        set_tracing_disabled(True)  # no trace upload from an offline or self-hosted install
        self.model = model
        self.timeout_seconds = timeout_seconds
        self.max_turns = max_turns

    def _complete(self, chain: _Chain, agent: str, outcome: StepOutcome) -> None:
        chain.done.add(agent)
        seconds = time.perf_counter() - chain.started_at.get(agent, time.perf_counter())
        chain.reporter.completed(agent, outcome, seconds)

    def _explained(self, chain: _Chain, agent: str, explanation: Any) -> StepOutcome:
        """The agent's outcome from its explanation; deterministic when the figure is wrong."""
        result = chain.results.get(agent)
        problem = _figure_mismatch(result, getattr(explanation, "stated_figure", None))
        reasoning = str(getattr(explanation, "reasoning", "")).strip()
        if result is None:
            result = chain.tools[agent]()
        if problem or not reasoning:
            return StepOutcome(
                result, result.reasoning_template, "deterministic", problem or "no reasoning"
            )
        return StepOutcome(result, reasoning, self.name)

    def _agents(self, names: Sequence[str]) -> Any:
        from agents import (
            Agent,
            GuardrailFunctionOutput,
            RunContextWrapper,
            function_tool,
            handoff,
            output_guardrail,
        )

        explanation = _explanation_type()

        def tool_for(agent_name: str) -> Any:
            @function_tool(name_override=TOOL_NAMES[agent_name])
            async def run_tool(ctx: RunContextWrapper[_Chain]) -> str:
                """Runs the planning engine for this step and returns its figures as JSON."""
                chain = ctx.context
                if agent_name not in chain.results:
                    # The tool writes through Django's sync ORM.
                    chain.results[agent_name] = await asyncio.to_thread(chain.tools[agent_name])
                return json.dumps(chain.results[agent_name].summary, default=str)

            return run_tool

        def handed_over(agent_name: str) -> Any:
            async def record(ctx: RunContextWrapper[_Chain], note: Any) -> None:
                outcome = self._explained(ctx.context, agent_name, note)
                await asyncio.to_thread(self._complete, ctx.context, agent_name, outcome)

            return record

        @output_guardrail
        async def figures_match_tools(
            ctx: RunContextWrapper[_Chain], agent: Any, output: Any
        ) -> GuardrailFunctionOutput:
            last = names[-1]
            problem = _figure_mismatch(
                ctx.context.results.get(last), getattr(output, "stated_figure", None)
            )
            return GuardrailFunctionOutput(
                output_info={"problem": problem}, tripwire_triggered=bool(problem)
            )

        following: Any = None
        for name in reversed(names):
            is_last = following is None
            following = Agent[_Chain](
                name=AGENT_NAMES[name],
                instructions=AGENT_INSTRUCTIONS[name] + ("" if is_last else HAND_ON),
                tools=[tool_for(name)],
                handoffs=[]
                if is_last
                else [handoff(following, input_type=explanation, on_handoff=handed_over(name))],
                output_type=explanation if is_last else None,
                output_guardrails=[figures_match_tools] if is_last else [],
                model=self.model,
            )
        return following

    def run_chain(
        self,
        agents: Sequence[str],
        parameters: dict[str, Any],
        tools: Mapping[str, Callable[[], StepResult]],
        reporter: StepReporter,
    ) -> None:
        from agents import RunHooks, Runner
        from agents.exceptions import AgentsException
        from openai import OpenAIError

        by_name = {AGENT_NAMES[a]: a for a in agents}
        chain = _Chain(parameters=parameters, tools=tools, reporter=reporter)

        class Report(RunHooks[_Chain]):
            async def on_agent_start(self, context: Any, agent: Any) -> None:
                name = by_name[agent.name]
                if name not in chain.started_at:
                    chain.started_at[name] = time.perf_counter()
                    await asyncio.to_thread(reporter.started, name)

        prompt = f"Season parameters: {json.dumps(parameters, default=str)}"
        try:
            run = Runner.run(
                self._agents(agents),
                prompt,
                context=chain,
                max_turns=self.max_turns,
                hooks=Report(),
            )
            output = asyncio.run(asyncio.wait_for(run, timeout=self.timeout_seconds))
        except TimeoutError as exc:
            raise ChainInterrupted(
                chain, f"TimeoutError: no answer within {self.timeout_seconds:g} s"
            ) from exc
        except (AgentsException, OpenAIError) as exc:
            raise ChainInterrupted(chain, f"{type(exc).__name__}: {exc}") from exc
        last = agents[-1]
        pending = [a for a in agents if a not in chain.done]
        if pending != [last]:
            raise ChainInterrupted(
                chain, f"the {AGENT_NAMES[pending[0]]} agent answered instead of handing off"
            )
        self._complete(chain, last, self._explained(chain, last, output.final_output))


class ChainInterrupted(AgentProviderError):
    """The SDK run stopped; `chain` holds what the agents before the failure produced."""

    def __init__(self, chain: _Chain, message: str) -> None:
        super().__init__(message)
        self.chain = chain


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


class _Tracking:
    """Passes reports on and remembers which agents started and completed."""

    def __init__(self, reporter: StepReporter) -> None:
        self.reporter = reporter
        self.started_agents: set[str] = set()
        self.completed_agents: set[str] = set()

    def started(self, agent: str) -> None:
        self.started_agents.add(agent)
        self.reporter.started(agent)

    def completed(self, agent: str, outcome: StepOutcome, seconds: float) -> None:
        self.completed_agents.add(agent)
        self.reporter.completed(agent, outcome, seconds)


def run_chain(
    backend: Backend,
    agents: Sequence[str],
    parameters: dict[str, Any],
    tools: Mapping[str, Callable[[], StepResult]],
    reporter: StepReporter,
) -> None:
    """Runs `agents` in order on `backend`. On AgentProviderError the agents not yet completed
    run deterministically, with the reason; each tool runs at most once."""
    results: dict[str, StepResult] = {}

    def once(agent: str) -> Callable[[], StepResult]:
        def call() -> StepResult:
            if agent not in results:
                results[agent] = tools[agent]()
            return results[agent]

        return call

    guarded = {agent: once(agent) for agent in agents}
    tracking = _Tracking(reporter)
    try:
        backend.run_chain(agents, parameters, guarded, tracking)
    except AgentProviderError as exc:
        logger.warning("agents fell back to deterministic mode: %s", exc)
        for agent in agents:
            if agent in tracking.completed_agents:
                continue
            started = time.perf_counter()
            if agent not in tracking.started_agents:
                reporter.started(agent)
            result = guarded[agent]()
            outcome = StepOutcome(result, result.reasoning_template, "deterministic", str(exc))
            reporter.completed(agent, outcome, time.perf_counter() - started)


@dataclass
class CollectedOutcomes:
    """A reporter that keeps the outcomes (for a step run outside a workflow)."""

    outcomes: dict[str, StepOutcome] = field(default_factory=dict)

    def started(self, agent: str) -> None:
        return None

    def completed(self, agent: str, outcome: StepOutcome, seconds: float) -> None:
        self.outcomes[agent] = outcome
