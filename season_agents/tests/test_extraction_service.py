"""Extraction through the API: rules by default, the LLM when configured, fallback, logging."""

import json

import pytest
from django.test import override_settings
from rest_framework.test import APIClient

from season_agents.models import ParameterExtraction
from season_agents.tests.fake_openai import FakeOpenAI

pytestmark = pytest.mark.django_db

ZARA = (
    "I'm planning a 12-week spring fashion season starting March 1st. Send all inventory to "
    "stores at launch with no DC holdback. I don't want ongoing replenishment - just one "
    "initial allocation. Check for markdown opportunities at week 6 if we're below 60% "
    "sell-through."
)
GOOD_LLM_ANSWER = json.dumps(
    {
        "forecast_horizon_weeks": 12,
        "season_start_date": "2027-03-01",
        "replenishment_strategy": "none",
        "dc_holdback_percentage": 0.0,
        "markdown_stated": True,
        "markdown_checkpoint_week": 6,
        "markdown_threshold": 0.6,
        "reasoning": "'12-week' -> 12 ...",
    }
)


def _extract(client: APIClient, text: str) -> dict:
    return client.post("/api/parameters/extract", {"user_input": text}, format="json").json()


def test_rules_answer_without_a_key_and_the_call_is_logged(api_client: APIClient) -> None:
    response = api_client.post("/api/parameters/extract", {"user_input": ZARA}, format="json")

    assert response.status_code == 200
    body = response.json()
    assert body["extractor"] == "rule_based"
    assert body["parameters"]["forecast_horizon_weeks"] == 12
    assert body["parameters"]["extraction_confidence"] == "high"
    assert body["needs_confirmation"] is False
    log = ParameterExtraction.objects.get(pk=body["extraction_id"])
    assert (log.input_text, log.extractor, log.confidence) == (ZARA, "rule_based", "high")
    assert log.output["replenishment_strategy"] == "none"


def test_unclear_input_asks_for_confirmation(api_client: APIClient) -> None:
    body = api_client.post(
        "/api/parameters/extract", {"user_input": "Spring 2025 collection"}, format="json"
    ).json()

    assert body["parameters"]["extraction_confidence"] == "low"
    assert body["needs_confirmation"] is True
    assert "forecast_horizon_weeks" in body["parameters"]["defaulted_fields"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "user_input: describe the season in plain English (it is empty)"),
        ("too short", "user_input: describe the season in 10 to 500 characters (this is 9)"),
        ("x" * 501, "user_input: describe the season in 10 to 500 characters (this is 501)"),
    ],
)
def test_empty_or_wrong_length_input_is_400(api_client: APIClient, text: str, message: str) -> None:
    response = api_client.post("/api/parameters/extract", {"user_input": text}, format="json")

    assert response.status_code == 400
    assert response.json()["message"] == message
    assert not ParameterExtraction.objects.exists()


def test_out_of_range_is_422_with_the_field_and_logged(api_client: APIClient) -> None:
    response = api_client.post(
        "/api/parameters/extract", {"user_input": "a 60-week season from May 1st"}, format="json"
    )

    assert response.status_code == 422
    assert response.json()["field"] == "forecast_horizon_weeks"
    assert response.json()["message"] == "a season must be 4 to 52 weeks long, not 60."
    assert ParameterExtraction.objects.get().errors == [
        "forecast_horizon_weeks: a season must be 4 to 52 weeks long, not 60"
    ]


def test_llm_answer_is_used_when_a_key_is_configured(api_client: APIClient) -> None:
    with (
        FakeOpenAI([("json", GOOD_LLM_ANSWER)]) as fake,
        override_settings(
            OPENAI_API_KEY="sk-test-not-real",
            OPENAI_BASE_URL=fake.base_url,
            OPENAI_MODEL="fake-model",
        ),
    ):
        body = api_client.post(
            "/api/parameters/extract", {"user_input": ZARA}, format="json"
        ).json()

    assert body["extractor"] == "llm"
    assert body["parameters"]["season_start_date"] == "2027-03-01"
    request = fake.requests[0]
    assert request["temperature"] == 0
    assert request["response_format"]["type"] == "json_schema"
    assert request["messages"][1] == {"role": "user", "content": ZARA}


@pytest.mark.parametrize(
    ("reply", "reason"),
    [
        (("json", "Sure! Here are your parameters: twelve weeks"), "the model did not return JSON"),
        (
            ("json", json.dumps({"forecast_horizon_weeks": 200, "markdown_stated": False})),
            "forecast_horizon_weeks: a season must be 4 to 52 weeks long",
        ),
        (("status", 400), "BadRequestError"),
    ],
    ids=["garbage", "out-of-range", "http-error"],
)
def test_llm_failure_falls_back_to_the_rules(api_client: APIClient, reply, reason: str) -> None:
    with (
        FakeOpenAI([reply]) as fake,
        override_settings(OPENAI_API_KEY="sk-test-not-real", OPENAI_BASE_URL=fake.base_url),
    ):
        body = api_client.post(
            "/api/parameters/extract", {"user_input": ZARA}, format="json"
        ).json()

    assert body["extractor"] == "rule_based"
    assert reason in body["fallback_reason"]
    assert body["parameters"]["markdown_checkpoint_week"] == 6
    assert ParameterExtraction.objects.get().errors[0].startswith("LLM extractor failed")


def test_llm_timeout_falls_back_after_retries(api_client: APIClient) -> None:
    replies = [("hang", 1.0)] * 3
    with (
        FakeOpenAI(replies) as fake,
        override_settings(
            OPENAI_API_KEY="sk-test-not-real",
            OPENAI_BASE_URL=fake.base_url,
            OPENAI_TIMEOUT_SECONDS=0.2,
        ),
    ):
        body = api_client.post(
            "/api/parameters/extract", {"user_input": ZARA}, format="json"
        ).json()

    assert body["extractor"] == "rule_based"
    assert "APITimeoutError" in body["fallback_reason"]
    assert len(fake.requests) == 3  # the first try and two retries with backoff


def test_health_checks_the_llm_on_request_and_check_llm_explains(api_client, settings) -> None:
    from io import StringIO

    from django.core.management import CommandError, call_command

    with FakeOpenAI([]) as fake:
        settings.OPENAI_API_KEY = "sk-test-not-real"
        settings.OPENAI_BASE_URL = fake.base_url
        settings.OPENAI_MODEL = "fake-model"
        plain = api_client.get("/api/health").json()["llm"]
        checked = api_client.get("/api/health", {"check": "llm"}).json()["llm"]
        out = StringIO()
        call_command("check_llm", stdout=out)
    settings.OPENAI_BASE_URL = "http://127.0.0.1:9/v1"  # nothing listens on the discard port

    assert "ok" not in plain
    assert checked["ok"] is True and checked["model_available"] is True
    assert out.getvalue().strip() == f"{fake.base_url} answers (listed models)."
    with pytest.raises(CommandError, match=r"cannot reach http://127\.0\.0\.1:9/v1"):
        call_command("check_llm")


def test_a_start_the_season_would_refuse_is_flagged_by_the_extraction(
    api_client: APIClient,
) -> None:
    text = ZARA.replace("March 1st", "August 3, 2012")
    assert text != ZARA

    body = _extract(api_client, text)
    started = api_client.post(
        "/api/workflows/forecast",
        {"category": "womens-dresses", "parameters": body["parameters"]},
        format="json",
    )

    assert body["parameters"]["season_start_date"] == "2012-08-03"
    assert body["parameters"]["extraction_confidence"] == "low"
    assert body["needs_confirmation"] is True
    problem = started.json()["message"].split("season_start_date: ", 1)[1]
    assert started.status_code == 400
    assert f"season_start_date {problem}" in body["parameters"]["extraction_reasoning"]
