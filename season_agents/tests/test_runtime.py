"""Agent steps on the OpenAI Agents SDK: the scripted test model, and a local server that
hangs. The numbers always come from the tool; every model failure falls back, with reason."""

from __future__ import annotations

import json

from agents.exceptions import ModelBehaviorError
from agents.testing import ScriptedModel, assistant_message, function_call

from season_agents.runtime import (
    DeterministicBackend,
    SdkBackend,
    StepResult,
    default_backend,
    run_agent_step,
)
from season_agents.tests.fake_openai import FakeOpenAI

PARAMETERS = {"forecast_horizon_weeks": 12, "replenishment_strategy": "weekly"}


class CountingTool:
    def __init__(self) -> None:
        self.calls = 0

    def __call__(self) -> StepResult:
        self.calls += 1
        return StepResult(
            summary={"total_units": 48941, "peak_week": 12},
            headline=48941.0,
            reasoning_template="Forecast 48,941 units, peaking in week 12.",
        )


def explanation(reasoning: str, figure: float | None) -> str:
    return json.dumps({"reasoning": reasoning, "stated_figure": figure})


def test_the_agent_calls_the_tool_and_explains_it() -> None:
    model = ScriptedModel(
        [
            [function_call("forecast_demand", {}, call_id="call-1")],
            [assistant_message(explanation("Spring ramps to a May peak.", 48941))],
        ]
    )
    tool = CountingTool()

    outcome = run_agent_step(SdkBackend(model), "demand", PARAMETERS, tool)

    assert (outcome.mode, outcome.reasoning, outcome.fallback_reason) == (
        "llm",
        "Spring ramps to a May peak.",
        "",
    )
    assert outcome.result.summary["total_units"] == 48941
    assert tool.calls == 1


def test_garbage_output_falls_back_and_reuses_the_tool_result() -> None:
    model = ScriptedModel(
        [
            [function_call("forecast_demand", {}, call_id="call-1")],
            [assistant_message("Sure! The forecast looks great :)")],
        ]
    )
    tool = CountingTool()

    outcome = run_agent_step(SdkBackend(model), "demand", PARAMETERS, tool)

    assert outcome.mode == "deterministic"
    assert outcome.reasoning == "Forecast 48,941 units, peaking in week 12."
    assert outcome.fallback_reason.startswith("ModelBehaviorError")
    assert tool.calls == 1


def test_a_model_that_never_calls_the_tool_falls_back() -> None:
    model = ScriptedModel([[assistant_message(explanation("I estimate 50,000.", 50000))]])
    tool = CountingTool()

    outcome = run_agent_step(SdkBackend(model), "demand", PARAMETERS, tool)

    assert outcome.mode == "deterministic"
    # The guardrail sees no tool result behind the stated figure.
    assert outcome.fallback_reason.startswith("OutputGuardrailTripwireTriggered")
    assert outcome.result.headline == 48941.0
    assert tool.calls == 1


def test_a_stated_figure_that_differs_from_the_tool_trips_the_guardrail() -> None:
    model = ScriptedModel(
        [
            [function_call("forecast_demand", {}, call_id="call-1")],
            [assistant_message(explanation("We expect about 60,000 units.", 60000))],
        ]
    )

    outcome = run_agent_step(SdkBackend(model), "demand", PARAMETERS, CountingTool())

    assert outcome.mode == "deterministic"
    assert outcome.fallback_reason.startswith("OutputGuardrailTripwireTriggered")
    assert "60,000" not in outcome.reasoning


def test_a_model_error_falls_back() -> None:
    model = ScriptedModel([ModelBehaviorError("the provider returned 500")])

    outcome = run_agent_step(SdkBackend(model), "demand", PARAMETERS, CountingTool())

    assert outcome.mode == "deterministic"
    assert outcome.fallback_reason == "ModelBehaviorError: the provider returned 500"


def test_a_hanging_endpoint_times_out_and_falls_back(settings) -> None:
    with FakeOpenAI([("hang", 3.0)] * 3) as fake:
        settings.OPENAI_API_KEY = "sk-test-not-real"
        settings.OPENAI_BASE_URL = fake.base_url
        settings.OPENAI_MODEL = "fake-model"
        settings.OPENAI_TIMEOUT_SECONDS = 0.3
        backend = default_backend()
        outcome = run_agent_step(backend, "demand", PARAMETERS, CountingTool())

    assert isinstance(backend, SdkBackend)
    assert outcome.mode == "deterministic"
    # The step's deadline (3 x the per-call timeout) ends the client's retries.
    assert outcome.fallback_reason == "TimeoutError: no answer within 0.9 s"


def test_no_key_means_deterministic_agents(settings) -> None:
    settings.OPENAI_API_KEY = ""

    assert isinstance(default_backend(), DeterministicBackend)
