"""The OpenAPI schema (planner.api.schema) and Swagger UI served offline."""

import json
import re

import pytest
from django.core.management import call_command
from django.test import Client

pytestmark = pytest.mark.django_db


def test_openapi_schema_generates_without_warnings(tmp_path) -> None:
    target = tmp_path / "schema.yaml"

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))

    schema = target.read_text()
    for path in (
        "/api/health",
        "/api/categories",
        "/api/stores",
        "/api/stores/clusters",
        "/api/data/upload-historical-sales",
        "/api/data/upload-store-attributes",
    ):
        assert f"  {path}" in schema


def test_swagger_ui_uses_only_local_assets(client: Client) -> None:
    page = client.get("/docs").content.decode()

    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in page
    # Every asset the page loads is served here. (Searching the page for "cdn" failed when
    # the random CSRF token happened to contain those letters.)
    assets = re.findall(r"""(?:src|href)\s*=\s*["']([^"']+)["']|url\(\s*["']?([^"')]+)""", page)
    urls = [a or b for a, b in assets]
    assert urls and all(url.startswith("/") and not url.startswith("//") for url in urls), urls
    asset = client.get("/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js")
    assert asset.status_code == 200


def test_every_answer_is_described_field_by_field(tmp_path) -> None:
    """No 2xx JSON answer is a free-form object: each names a component with its fields."""
    target = tmp_path / "schema.json"
    call_command("spectacular", "--format", "openapi-json", "--file", str(target))
    schema = json.loads(target.read_text())
    components = schema["components"]["schemas"]

    free_form = []
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            for code, response in operation.get("responses", {}).items():
                body = response.get("content", {}).get("application/json", {}).get("schema")
                if not code.startswith("2") or body is None:
                    continue
                body = body.get("items", body)
                name = body.get("$ref", "").rsplit("/", 1)[-1]
                if not components.get(name, {}).get("properties"):
                    free_form.append(f"{method.upper()} {path} {code}")

    assert free_form == []
