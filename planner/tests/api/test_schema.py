"""The OpenAPI schema (planner.api.schema) and Swagger UI served offline."""

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
