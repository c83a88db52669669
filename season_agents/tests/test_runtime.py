"""Agent chains on the OpenAI Agents SDK: the scripted test model, and a local server that
hangs. The numbers always come from the tools; every model failure falls back, with reason."""

from __future__ import annotations

import json

from agents.exceptions import ModelBehaviorError
from agents.testing import ScriptedModel, assistant_message, function_call

from season_agents.runtime import (
    CollectedOutcomes,
    DeterministicBackend,
    SdkBackend,
    StepResult,
    default_backend,
    run_chain,
)
from season_agents.tests.fake_openai import FakeOpenAI

PARAMETERS = {"forecast_horizon_weeks": 12, "replenishment_strategy": "weekly"}
HEADLINES = {"orchestrator": None, "demand": 48941.0, "inventory": 58730.0}


class Tools(dict):
    """A counting tool per agent."""

    def __init__(self) -> None:
        super().__init__()
        self.calls: dict[str, int] = {}
        for agent, headline in HEADLINES.items():
            self[agent] = self._tool(agent, headline)

    def _tool(self, agent: str, headline: float | None):
        def call() -> StepResult:
            self.calls[agent] = self.calls.get(agent, 0) + 1
            return StepResult({"agent": agent, "figure": headline}, headline, f"{agent} template")

        return call


class Recorder(CollectedOutcomes):
    def __init__(self) -> None:
        super().__init__()
        self.log: list[tuple[str, str]] = []

    def started(self, agent: str) -> None:
        self.log.append(("started", agent))

    def completed(self, agent, outcome, seconds) -> None:
        super().completed(agent, outcome, seconds)
        self.log.append(("completed", agent))


def note(reasoning: str, figure: float | None) -> str:
    return json.dumps({"reasoning": reasoning, "stated_figure": figure})


def run(model: ScriptedModel, agents: list[str]) -> tuple[Recorder, Tools]:
    tools, recorder = Tools(), Recorder()
    run_chain(SdkBackend(model), agents, PARAMETERS, tools, recorder)
    return recorder, tools


def test_agents_call_their_tools_and_hand_off_in_order() -> None:
    model = ScriptedModel(
        [
            [function_call("review_season_parameters", {}, call_id="c1")],
            [function_call("transfer_to_demand", note("A 12-week plan.", None), call_id="c2")],
            [function_call("forecast_demand", {}, call_id="c3")],
            [function_call("transfer_to_inventory", note("Peak in May.", 48941), call_id="c4")],
            [function_call("plan_inventory", {}, call_id="c5")],
            [assistant_message(note("20 % safety stock.", 58730))],
        ]
    )

    recorder, tools = run(model, ["orchestrator", "demand", "inventory"])

    assert recorder.log == [
        ("started", "orchestrator"),
        ("completed", "orchestrator"),
        ("started", "demand"),
        ("completed", "demand"),
        ("started", "inventory"),
        ("completed", "inventory"),
    ]
    outcomes = recorder.outcomes
    assert [outcomes[a].mode for a in outcomes] == ["llm", "llm", "llm"]
    assert outcomes["demand"].reasoning == "Peak in May."
    assert outcomes["inventory"].result.headline == 58730.0
    assert tools.calls == {"orchestrator": 1, "demand": 1, "inventory": 1}


def test_a_wrong_figure_in_a_hand_off_keeps_the_tool_numbers_and_the_chain_goes_on() -> None:
    model = ScriptedModel(
        [
            [function_call("forecast_demand", {}, call_id="c1")],
            [function_call("transfer_to_inventory", note("About 60k.", 60000), call_id="c2")],
            [function_call("plan_inventory", {}, call_id="c3")],
            [assistant_message(note("Order placed.", 58730))],
        ]
    )

    recorder, _ = run(model, ["demand", "inventory"])

    demand = recorder.outcomes["demand"]
    assert (demand.mode, demand.reasoning) == ("deterministic", "demand template")
    assert demand.fallback_reason == "the model stated 60,000 but the tool returned 48,941"
    assert recorder.outcomes["inventory"].mode == "llm"


def test_an_agent_that_answers_instead_of_handing_off_leaves_the_rest_to_the_rules() -> None:
    model = ScriptedModel(
        [
            [function_call("forecast_demand", {}, call_id="c1")],
            [assistant_message("The forecast is done.")],
        ]
    )

    recorder, tools = run(model, ["demand", "inventory"])

    assert {a: o.mode for a, o in recorder.outcomes.items()} == {
        "demand": "deterministic",
        "inventory": "deterministic",
    }
    assert recorder.outcomes["demand"].fallback_reason == (
        "the Demand agent answered instead of handing off"
    )
    assert tools.calls == {"demand": 1, "inventory": 1}  # the model's tool result is reused
    assert recorder.log.count(("started", "demand")) == 1


def test_garbage_final_output_falls_back_and_reuses_the_tool_result() -> None:
    model = ScriptedModel(
        [
            [function_call("forecast_demand", {}, call_id="c1")],
            [assistant_message("Sure! The forecast looks great :)")],
        ]
    )

    recorder, tools = run(model, ["demand"])

    outcome = recorder.outcomes["demand"]
    assert (outcome.mode, outcome.reasoning) == ("deterministic", "demand template")
    assert outcome.fallback_reason.startswith("ModelBehaviorError")
    assert tools.calls == {"demand": 1}


def test_a_stated_figure_without_a_tool_call_trips_the_guardrail() -> None:
    model = ScriptedModel([[assistant_message(note("I estimate 50,000.", 50000))]])

    recorder, tools = run(model, ["demand"])

    assert recorder.outcomes["demand"].fallback_reason.startswith(
        "OutputGuardrailTripwireTriggered"
    )
    assert recorder.outcomes["demand"].result.headline == 48941.0
    assert tools.calls == {"demand": 1}


def test_a_model_error_falls_back() -> None:
    recorder, _ = run(ScriptedModel([ModelBehaviorError("the provider returned 500")]), ["demand"])

    assert recorder.outcomes["demand"].fallback_reason == (
        "ModelBehaviorError: the provider returned 500"
    )


def test_a_hanging_endpoint_times_out_and_falls_back(settings) -> None:
    with FakeOpenAI([("hang", 3.0)] * 3) as fake:
        settings.OPENAI_API_KEY = "sk-test-not-real"
        settings.OPENAI_BASE_URL = fake.base_url
        settings.OPENAI_MODEL = "fake-model"
        settings.OPENAI_TIMEOUT_SECONDS = 0.3
        backend = default_backend()
        recorder = Recorder()
        run_chain(backend, ["demand"], PARAMETERS, Tools(), recorder)

    assert isinstance(backend, SdkBackend)
    outcome = recorder.outcomes["demand"]
    assert outcome.mode == "deterministic"
    # The chain's deadline (3 x the per-call timeout) ends the client's retries.
    assert outcome.fallback_reason == "TimeoutError: no answer within 0.9 s"


def test_no_key_means_deterministic_agents(settings) -> None:
    settings.OPENAI_API_KEY = ""

    assert isinstance(default_backend(), DeterministicBackend)
