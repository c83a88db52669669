"""The read endpoints, uploads end to end, health, and JSON errors under /api/."""

import logging
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import override_settings
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from allocation.models import ClusteringRun, StoreCluster
from conftest import token_client, user_with_roles
from planner.access import VIEWERS
from planner.capacity import LARGE_UPLOADS
from planner.data.sample_data import STORES_FILE
from planner.tests.factories import WorkflowFactory
from planner.tests.seasons import start
from shared import services
from shared.models import Category, HistoricalSale, Store
from shared.tests.factories import HistoricalSaleFactory, StoreFactory

pytestmark = pytest.mark.django_db

HEADER = "date,store_id,category,quantity_sold,revenue\n"


def _upload(client: APIClient, path: str, content: bytes, name: str = "data.csv"):
    return client.post(path, {"file": SimpleUploadedFile(name, content)}, format="multipart")


def test_health_reports_database_and_channel_layer(api_client: APIClient) -> None:
    response = api_client.get("/api/health")

    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    layer = "RedisChannelLayer" if settings.REDIS_URL else "InMemoryChannelLayer"
    assert response.json()["database"] == {
        "ok": True,
        "vendor": connection.vendor,
        "read": True,
        "write": True,
    }
    assert response.json()["channel_layer"] == {"ok": True, "backend": layer}
    assert response.json()["llm"]["configured"] is False


@override_settings(CHANNEL_LAYERS={})
def test_health_is_503_when_the_channel_layer_is_missing(api_client: APIClient) -> None:
    from channels.layers import channel_layers

    channel_layers.backends.clear()
    response = api_client.get("/api/health")
    channel_layers.backends.clear()

    assert response.status_code == 503
    assert response.json()["status"] == "degraded"
    assert response.json()["channel_layer"]["ok"] is False


def test_store_upload_then_history_upload_end_to_end(
    api_client: APIClient, sample_dir: Path
) -> None:
    stores = _upload(
        api_client, "/api/data/upload-store-attributes", (sample_dir / STORES_FILE).read_bytes()
    )
    history = _upload(
        api_client,
        "/api/data/upload-historical-sales",
        (HEADER + "2024-01-01,S001,Women's Dresses,3,165\n").encode(),
    )

    assert stores.status_code == 200, stores.json()
    assert stores.json()["created"] == 50
    assert history.status_code == 200, history.json()
    assert history.json() | {"duration_seconds": 0} == {
        "rows": 1,
        "created": 1,
        "updated": 0,
        "unchanged": 0,
        "warnings": [],
        "categories": ["Women's Dresses"],
        "duration_seconds": 0,
    }
    categories = api_client.get("/api/categories").json()["results"]
    assert categories == [
        {
            "slug": "womens-dresses",
            "name": "Women's Dresses",
            "history_row_count": 1,
            "history_start": "2024-01-01",
            "history_end": "2024-01-01",
            "economics": {
                "price": categories[0]["economics"]["price"],
                "unit_cost": categories[0]["economics"]["unit_cost"],
                "salvage_value": categories[0]["economics"]["salvage_value"],
                "shipment_cost": 0.0,
                "sources": {
                    "price": "history revenue / units",
                    "unit_cost": "45% of price (PLANNING_COST_SHARE)",
                    "salvage_value": "30% of cost (PLANNING_SALVAGE_SHARE)",
                    "shipment_cost": "none set",
                },
            },
            "economics_problem": "",
        }
    ]


def test_rejected_upload_lists_every_problem_and_writes_nothing(api_client: APIClient) -> None:
    StoreFactory(id="S001")
    response = _upload(
        api_client,
        "/api/data/upload-historical-sales",
        (HEADER + "2024-01-01,S001,Dresses,3,165\n2024-02-30,S002,Dresses,x,1\n").encode(),
    )

    assert response.status_code == 400
    body = response.json()
    assert body["message"] == (
        "The historical sales file was rejected with 3 problems; nothing was imported."
    )
    assert body["error_count"] == 3
    assert body["errors"] == [
        {
            "row": 3,
            "column": "date",
            "value": "2024-02-30",
            "message": "not a date in the form YYYY-MM-DD",
        },
        {"row": 3, "column": "quantity_sold", "value": "x", "message": "not a number"},
        {
            "row": 3,
            "column": "store_id",
            "value": "S002",
            "message": "unknown store; import the store attributes file first",
        },
    ]
    assert body["request_id"] == response["X-Request-ID"]
    assert not HistoricalSale.objects.exists()


def test_upload_without_a_file_is_a_clear_400(api_client: APIClient) -> None:
    response = api_client.post("/api/data/upload-historical-sales", {}, format="multipart")

    assert response.status_code == 400
    assert response.json()["message"] == "file: No file was submitted."


@override_settings(UPLOAD_MAX_BYTES=64)
def test_upload_over_the_size_limit_is_413(api_client: APIClient) -> None:
    response = _upload(api_client, "/api/data/upload-historical-sales", b"x" * 65)

    assert response.status_code == 413
    assert response.json()["message"] == (
        "The historical sales file is 65 bytes; the limit is 64 bytes."
    )


def test_binary_upload_is_rejected_as_not_csv(api_client: APIClient) -> None:
    response = _upload(api_client, "/api/data/upload-store-attributes", b"\x00\x01PK", "x.xlsx")

    assert response.status_code == 400
    assert "not a CSV text file" in response.json()["message"]


def test_stores_list_filters_paginates_and_shows_the_latest_cluster(api_client: APIClient) -> None:
    premium = StoreFactory(id="S001", fashion_tier="Premium")
    StoreFactory(id="S002", fashion_tier="Value")
    StoreFactory(id="S003", fashion_tier="Premium")
    old_run = ClusteringRun.objects.create(k=3, silhouette=0.2, features=["size_sqft"], seed=1)
    StoreCluster.objects.create(run=old_run, label="mainstream").stores.add(premium)
    run = ClusteringRun.objects.create(k=3, silhouette=0.4, features=["size_sqft"], seed=1)
    StoreCluster.objects.create(run=run, label="fashion_forward").stores.add(premium)

    response = api_client.get("/api/stores", {"fashion_tier": "Premium", "page_size": 1})

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert [store["id"] for store in body["results"]] == ["S001"]
    assert body["results"][0]["cluster"] == "fashion_forward"
    assert "page=2" in body["next"]


def test_clusters_are_empty_until_clustering_runs(api_client: APIClient) -> None:
    assert api_client.get("/api/stores/clusters").json() == []

    store = StoreFactory(id="S001")
    run = ClusteringRun.objects.create(k=3, silhouette=0.41, features=["size_sqft"], seed=42)
    StoreCluster.objects.create(run=run, label="value_conscious").stores.add(store)

    clusters = api_client.get("/api/stores/clusters").json()
    assert clusters == [
        {
            "id": clusters[0]["id"],
            "label": "value_conscious",
            "run": run.pk,
            "k": 3,
            "silhouette": 0.41,
            "mean_weekly_sales": None,
            "store_count": 1,
            "stores": ["S001"],
        }
    ]


def test_clusters_reject_a_bad_run_id(api_client: APIClient) -> None:
    for run in ("latest", "68446003105925234688"):  # the second one schemathesis found
        response = api_client.get("/api/stores/clusters", {"run": run})

        assert response.status_code == 400
        assert response.json()["message"] == "run: must be a clustering run id (a whole number)"


def test_store_list_query_count_does_not_grow_with_stores(
    api_client: APIClient, django_assert_max_num_queries
) -> None:
    for number in range(1, 41):
        StoreFactory(id=f"S{number:03d}")

    # Two for the token and the user's roles, then count, page and latest clusters.
    with django_assert_max_num_queries(5):
        response = api_client.get("/api/stores", {"page_size": 40})

    assert len(response.json()["results"]) == 40


@pytest.mark.parametrize(
    ("path", "message"),
    [
        (
            "/api/nothing-here",
            "Nothing exists at /api/nothing-here. See /docs for the API's paths.",
        ),
        ("/api/stores/S999", "No store with id 'S999'."),
        ("/api/categories/shoes", "No category with slug 'shoes'."),
    ],
)
def test_not_found_is_json_naming_what_is_missing(
    api_client: APIClient, path: str, message: str
) -> None:
    response = api_client.get(path)

    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["message"] == message


def test_wrong_method_is_json(api_client: APIClient) -> None:
    response = api_client.delete("/api/health")

    assert response.status_code == 405
    assert response.json()["message"] == 'Method "DELETE" not allowed.'


def test_unhandled_error_is_json_500_with_the_request_id(
    api_client: APIClient, monkeypatch
) -> None:
    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr("planner.api.views.shared_selectors.category_list", broken)
    client = APIClient(raise_request_exception=False)
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_client.token}")

    response = client.get("/api/categories", headers={"X-Request-ID": "trace-123"})

    assert response.status_code == 500
    assert response.json() == {
        "status": 500,
        "message": (
            "The server failed to handle this request; it has been logged with its request id."
        ),
        "request_id": "trace-123",
    }
    assert response["X-Request-ID"] == "trace-123"


def test_history_rows_are_unique_per_day_store_category_in_the_database() -> None:
    from django.db import IntegrityError, transaction

    sale = HistoricalSaleFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        HistoricalSaleFactory(date=sale.date, store=sale.store, category=sale.category)
    assert Store.objects.count() == 1


@override_settings(CORS_ALLOWED_ORIGINS=["http://localhost:5173"])
def test_cors_allows_only_the_configured_front_end(api_client: APIClient) -> None:
    allowed = api_client.get("/api/health", headers={"Origin": "http://localhost:5173"})
    other = api_client.get("/api/health", headers={"Origin": "http://evil.example"})

    assert allowed["Access-Control-Allow-Origin"] == "http://localhost:5173"
    assert "Access-Control-Allow-Origin" not in other


def test_every_request_is_logged_with_status_duration_and_id(api_client: APIClient, caplog) -> None:
    with caplog.at_level("INFO", logger="planner.requests"):
        response = api_client.get("/api/stores/S404")

    (record,) = [r for r in caplog.records if r.name == "planner.requests"]
    assert record.getMessage().startswith("GET /api/stores/S404 404 ")
    assert record.getMessage().endswith(f"ms id={response['X-Request-ID']}")


def test_a_multipart_body_without_a_boundary_is_a_json_400_in_the_request_log(
    api_client: APIClient, caplog
) -> None:
    with caplog.at_level(logging.INFO, logger="planner.requests"):
        response = api_client.generic(
            "POST",
            "/api/data/upload-store-attributes",
            data=b"store_id\r\nS001\r\n",
            content_type="multipart/form-data",
        )

    assert response.status_code == 400
    body = response.json()
    assert "boundary" in body["message"] and body["request_id"]
    logged = [r.getMessage() for r in caplog.records if r.name == "planner.requests"]
    assert any("POST /api/data/upload-store-attributes 400" in line for line in logged)


def test_an_oversized_store_value_is_a_400_and_the_stores_keep_answering(
    api_client: APIClient,
) -> None:
    ok = api_client.post(
        "/api/data/upload-store-attributes",
        {"file": SimpleUploadedFile("s.csv", b"store_id,avg_weekly_sales_12mo\nS001,100\n")},
        format="multipart",
    )
    poison = api_client.post(
        "/api/data/upload-store-attributes",
        {"file": SimpleUploadedFile("s.csv", b"store_id,avg_weekly_sales_12mo\nS001,1e30\n")},
        format="multipart",
    )

    assert ok.status_code == 200
    assert poison.status_code == 400
    assert poison.json()["errors"][0] == {
        "message": "must be 0 to 9,999,999,999.99",
        "row": 2,
        "column": "avg_weekly_sales_12mo",
        "value": "1e30",
    }
    assert api_client.get("/api/stores/S001").status_code == 200
    assert api_client.get("/api/stores/clusters").status_code == 200


def test_deeply_nested_json_is_a_400(api_client: APIClient) -> None:
    body = "[" * 100_000 + "]" * 100_000

    response = api_client.generic(
        "POST", "/api/parameters/extract", data=body, content_type="application/json"
    )

    assert response.status_code == 400
    assert "nested too deeply" in response.json()["message"]


@pytest.mark.parametrize("start", ["9999-12-31", "0001-01-01"])
def test_a_season_start_outside_the_window_is_a_400_naming_it(
    api_client: APIClient, start: str
) -> None:
    response = api_client.post(
        "/api/workflows/forecast",
        {
            "category": "womens-dresses",
            "parameters": {
                "forecast_horizon_weeks": 12,
                "season_start_date": start,
                "replenishment_strategy": "weekly",
                "dc_holdback_percentage": 0.45,
            },
        },
        format="json",
    )

    assert response.status_code == 400
    assert "season_start_date" in response.json()["message"]
    assert "must be from" in response.json()["message"]


def test_the_api_root_lists_every_resource_with_what_it_is_for(api_client: APIClient) -> None:
    body = api_client.get("/api/").json()

    assert {"seasons", "approve the order", "upload weekly sales", "extract parameters"} <= set(
        body
    )
    assert len(body) >= 20
    assert body["seasons"]["url"].endswith("/api/workflows")
    assert all(entry["description"] for entry in body.values())


def test_operation_ids_read_as_words(api_client: APIClient) -> None:
    schema = api_client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    ids = [op["operationId"] for path in schema["paths"].values() for op in path.values()]

    assert "agentStepDemand" in ids and "workflowWhatIf" in ids and "manufacturingApproval" in ids
    assert not [i for i in ids if i.startswith("api_")]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize(
    "path",
    [
        "/api/data/upload-store-attributes",
        "/api/parameters/extract",
        "/api/workflows/{}/what-if",
    ],
)
def test_more_form_fields_or_files_than_django_takes_are_a_400_naming_the_limit(
    api_client: APIClient, path: str
) -> None:
    path = path.format(WorkflowFactory().pk)
    fields = {f"f{i}": "x" for i in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1)}
    files = {
        f"file{i}": SimpleUploadedFile(f"s{i}.csv", b"store_id\n")
        for i in range(settings.DATA_UPLOAD_MAX_NUMBER_FILES + 1)
    }

    many_fields = api_client.post(path, fields, format="multipart")
    many_files = api_client.post(path, files, format="multipart")

    assert many_fields.status_code == 400
    assert (
        f"at most {settings.DATA_UPLOAD_MAX_NUMBER_FIELDS} fields" in many_fields.json()["message"]
    )
    assert many_files.status_code == 400
    assert f"at most {settings.DATA_UPLOAD_MAX_NUMBER_FILES} files" in many_files.json()["message"]


@override_settings(LARGE_UPLOAD_BYTES=1024, LARGE_UPLOADS_PER_PROCESS=1)
def test_large_uploads_go_one_per_user_and_a_few_per_process(api_client: APIClient) -> None:
    user_pk = Token.objects.get(key=api_client.token).user_id
    rows = "".join(f"S{i:04d},Store {i}\n" for i in range(200))
    large = ("store_id,store_name\n" + rows).encode()
    assert len(large) > 1024

    def send() -> Any:
        return api_client.post(
            "/api/data/upload-store-attributes",
            {"file": SimpleUploadedFile("stores.csv", large)},
            format="multipart",
        )

    with LARGE_UPLOADS.slot(user_pk):
        own = send()
    with LARGE_UPLOADS.slot("another planner"):
        full = send()
    small = api_client.post(
        "/api/data/upload-store-attributes",
        {"file": SimpleUploadedFile("s.csv", b"store_id\nS1\n")},
        format="multipart",
    )
    free = send()

    assert own.status_code == full.status_code == 429
    assert own["Retry-After"] == "15" and "one at a time per user" in own.json()["message"]
    assert "LARGE_UPLOADS_PER_PROCESS" in full.json()["message"]
    assert small.status_code == free.status_code == 200
    assert Store.objects.count() == 201


@pytest.mark.django_db(transaction=True)
@override_settings(WORKFLOW_EXECUTION="inline")
def test_browsable_api_renders_every_read_endpoint(season_data, api_client: APIClient) -> None:
    workflow_id = start(api_client)["workflow_id"]
    api_client.post(
        "/api/approvals/manufacturing",
        {"workflow_id": workflow_id, "action": "accept"},
        format="json",
    )
    forecast_id = api_client.get("/api/forecasts").json()["results"][0]["id"]
    paths = [
        "/api/health",
        "/api/categories",
        "/api/stores",
        "/api/stores/clusters",
        "/api/workflows",
        f"/api/workflows/{workflow_id}",
        f"/api/workflows/{workflow_id}/results",
        "/api/forecasts",
        f"/api/forecasts/{forecast_id}",
        f"/api/allocations/{forecast_id}",
        f"/api/markdowns/{forecast_id}",
        "/api/parameters/extract",
        "/api/workflows/forecast",
        "/api/approvals/manufacturing",
        "/api/data/upload-weekly-sales",
    ]
    for path in paths:
        response = api_client.get(path, HTTP_ACCEPT="text/html")
        assert response.status_code in (200, 405), path
        assert response["Content-Type"].startswith("text/html"), path


def _priced_dresses() -> None:
    StoreFactory(id="S001")
    services.history_import(raw=(HEADER + "2024-01-01,S001,Dresses,4,220\n").encode())


def test_the_categories_api_shows_the_economics_and_planners_set_them(api_client) -> None:
    _priced_dresses()

    listed = api_client.get("/api/categories").json()["results"][0]
    saved = api_client.put(
        "/api/categories/dresses/economics",
        {"price": None, "unit_cost": "20", "salvage_value": None, "shipment_cost": "1.5"},
        format="json",
    )
    refused = api_client.put(
        "/api/categories/dresses/economics",
        {"price": "10", "unit_cost": "20", "salvage_value": None, "shipment_cost": "0"},
        format="json",
    )

    assert listed["economics"]["price"] == 55.0
    assert listed["economics"]["sources"]["price"] == "history revenue / units"
    assert listed["economics_problem"] == ""
    assert saved.status_code == 200, saved.json()
    assert (saved.json()["economics"]["unit_cost"], saved.json()["economics"]["shipment_cost"]) == (
        20.0,
        1.5,
    )
    assert refused.status_code == 400
    assert refused.json()["message"] == "price 10.00 must be above the unit cost 20.00"
    assert Category.objects.get(slug="dresses").unit_cost == 20


def test_a_viewer_cannot_set_the_economics() -> None:
    _priced_dresses()
    viewer = token_client(user_with_roles("viola", VIEWERS))

    refused = viewer.put("/api/categories/dresses/economics", {"unit_cost": "20"}, format="json")

    assert refused.status_code == 403
