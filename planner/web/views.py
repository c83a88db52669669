"""The merchandiser's pages: thin views over the same services as the API."""

from __future__ import annotations

import csv
import gzip
import hashlib
import math
from collections.abc import Callable, Iterable
from decimal import Decimal
from functools import cache, wraps
from typing import Any

from django.conf import settings as django_settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.cache import cache_control
from django.views.decorators.http import condition, require_POST
from rest_framework.throttling import ScopedRateThrottle

from allocation import selectors as allocation_selectors
from allocation.choices import ShipmentStatus
from allocation.models import Allocation
from allocation.services import ShipmentEditRefused
from markdowns.engine.markdown import MAX_MARKDOWN_PCT
from planner import selectors
from planner.access import user_can
from planner.data.fixtures_path import SAMPLE_DIR
from planner.data.sample_data import SCENARIO_DIR, SCENARIO_LIFT_RESPONSE
from planner.models import Workflow
from planner.season import exports, weekly, workflows
from planner.season.parameters import season_parameter_set
from planner.season.queue import work_queue
from planner.season.selectors import replenishment_lines, sample_week_sales, season_stamp
from planner.season.workflows import Keep
from planner.web import dashboard
from planner.web.forms import (
    DataUploadForm,
    DescribeSeasonForm,
    EconomicsForm,
    ManufacturingForm,
    MarkdownForm,
    ParametersForm,
    WeeklyUploadForm,
)
from season_agents.extraction.types import ParameterOutOfRange
from season_agents.services import parameters_extract
from shared import selectors as shared_selectors
from shared import services
from shared.conflicts import Conflict
from shared.imports import ImportRejected
from shared.models import Store

View = Callable[..., HttpResponse]


def role_required(action: str) -> Callable[[View], View]:
    """Signs the visitor in first; then 403 unless they hold the role for `action`."""

    def decorate(view: View) -> View:
        @wraps(view)
        def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not user_can(request.user, action):
                raise PermissionDenied(f"Your account may not {action} seasons.")
            return view(request, *args, **kwargs)

        return login_required(guarded)

    return decorate


class _ThrottleScope:
    """What DRF's ScopedRateThrottle reads from a view: its scope."""

    def __init__(self, scope: str) -> None:
        self.throttle_scope = scope


def throttled(
    scope: str, *, when: Callable[[HttpRequest], bool] | None = None
) -> Callable[[View], View]:
    """The API's per-user limit for `scope` on a page route, counted in the same cache: the
    pages are no way around it. `when` picks the requests that count (default: every POST)."""

    def decorate(view: View) -> View:
        @wraps(view)
        def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            counts = when(request) if when else request.method == "POST"
            throttle = ScopedRateThrottle()
            if counts and not throttle.allow_request(request, _ThrottleScope(scope)):  # type: ignore[arg-type]
                wait = math.ceil(throttle.wait() or 1)
                response = HttpResponse(
                    f"Too many {scope} in a minute; try again in {wait} s.",
                    status=429,
                    content_type="text/plain; charset=utf-8",
                )
                response["Retry-After"] = str(wait)
                return response
            return view(request, *args, **kwargs)

        return guarded

    return decorate


@role_required("view")
def home(request: HttpRequest) -> HttpResponse:
    """What data is loaded, the seasons and their status, and where to go next."""
    return render(
        request,
        "planner/home.html",
        {
            "categories": shared_selectors.category_list(),
            "store_count": Store.objects.count(),
            "seasons": Workflow.objects.select_related("category", "parameters")[:50],
            "queue": work_queue(today=timezone.localdate()),
        },
    )


@role_required("view")
def glossary(request: HttpRequest) -> HttpResponse:
    """The words the pages use, defined once."""
    return render(request, "planner/glossary.html")


@role_required("plan")
@throttled("extraction", when=lambda request: "describe" in request.POST)
def season_new(request: HttpRequest) -> HttpResponse:
    """Describe the season, check the extracted parameters, start the workflow."""
    describe = DescribeSeasonForm(request.POST if "describe" in request.POST else None)
    parameters_form = None
    extraction = None
    defaulted: list[str] = []
    category = None
    if "describe" in request.POST and describe.is_valid():
        category = describe.cleaned_data["category"]
        try:
            extraction = parameters_extract(text=describe.cleaned_data["description"])
        except ParameterOutOfRange as exc:
            describe.add_error("description", f"{exc}.")
        else:
            p = extraction.parameters
            defaulted = [ParametersForm.FIELDS[f] for f in p.defaulted_fields]
            parameters_form = ParametersForm(
                initial={
                    "category": describe.cleaned_data["category"],
                    "extraction_id": extraction.extraction_id,
                    "forecast_horizon_weeks": p.forecast_horizon_weeks,
                    "season_start_date": p.season_start_date,
                    "replenishment_strategy": p.replenishment_strategy,
                    "dc_holdback_percent": round(p.dc_holdback_percentage * 100, 1),
                    "markdown_checkpoint_week": p.markdown_checkpoint_week,
                    "markdown_threshold_percent": None
                    if p.markdown_threshold is None
                    else round(p.markdown_threshold * 100, 1),
                }
            )
    elif "start" in request.POST:
        parameters_form = ParametersForm(request.POST)
        if parameters_form.is_valid():
            data = parameters_form.cleaned_data
            category = data["category"]
            try:
                workflow = workflows.workflow_start_forecast(
                    category=data["category"],
                    parameters=season_parameter_set(data["parameters"]),
                    extraction_id=data["extraction_id"],
                )
            except Conflict as exc:
                messages.error(request, str(exc))
            else:
                return redirect("season", workflow_id=workflow.pk)
    return render(
        request,
        "planner/season_new.html",
        {
            "describe": describe,
            "parameters_form": parameters_form,
            "extraction": extraction,
            "defaulted_names": defaulted,
            "category": category,
            "defaulted_labels": [parameters_form[name].label for name in defaulted]
            if parameters_form
            else [],
            "upload_form": DataUploadForm(),
            "upload_problems": request.session.pop("upload_problems", []),
            "categories": shared_selectors.category_list(),
            "store_count": Store.objects.count(),
        },
    )


@role_required("plan")
@require_POST
@throttled("uploads")
def upload_data(request: HttpRequest) -> HttpResponse:
    """Store attributes or sales history from the plan page; every problem is listed."""
    form = DataUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "Choose what the file holds and the file.")
        return redirect("season-new")
    service = (
        services.stores_import
        if form.cleaned_data["kind"] == "stores"
        else (services.history_import)
    )
    try:
        summary = service(raw=form.cleaned_data["file"].read())
    except ImportRejected as exc:
        request.session["upload_problems"] = [p.as_dict() for p in exc.listed]
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            f"{summary.rows:,} rows: {summary.created:,} created, {summary.updated:,} updated, "
            f"{summary.unchanged:,} unchanged. " + " ".join(summary.warnings),
        )
    return redirect("season-new")


def _season_csv(
    request: HttpRequest,
    workflow_id: int,
    name: str,
    header: list[str],
    rows: Callable[[Allocation], Iterable[list[object]]],
) -> HttpResponse:
    """A season's allocation rendered as a CSV download (back to the season page, with a
    message, while it has no allocation)."""
    workflow = get_object_or_404(Workflow, pk=workflow_id)
    allocation = allocation_selectors.season_allocation(workflow_id=workflow.pk)
    if allocation is None:
        messages.error(request, "This season has no allocation yet.")
        return redirect("season", workflow_id=workflow_id)
    response = HttpResponse(content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="season-{workflow_id}-{name}.csv"'
    writer = csv.writer(response)
    writer.writerow(header)
    writer.writerows(rows(allocation))
    return response


@role_required("view")
def store_allocation_csv(request: HttpRequest, workflow_id: int) -> HttpResponse:
    """The per-store allocation as CSV. Text cells that a spreadsheet would run as a formula
    are prefixed with a quote."""

    def rows(allocation: Allocation) -> Iterable[list[object]]:
        reserve = allocation_selectors.dc_reserve_by_store(allocation=allocation)
        for row in allocation.store_rows.select_related("store", "cluster"):
            yield [
                _safe_cell(row.store_id),
                _safe_cell(row.store.name),
                row.cluster.label,
                row.initial_units,
                f"{row.season_share:.6f}",
                reserve[row.store_id],
            ]

    header = ["store_id", "store_name", "cluster", "initial_units", "season_share"]
    return _season_csv(request, workflow_id, "stores", [*header, "dc_reserve_units"], rows)


@role_required("view")
def replenishment_csv(request: HttpRequest, workflow_id: int) -> HttpResponse:
    """Every replenishment and transfer shipment of the season as CSV."""

    def rows(allocation: Allocation) -> Iterable[list[object]]:
        for s in replenishment_lines(allocation):
            yield [
                s.week_number,
                s.kind,
                _safe_cell(s.store_id),
                _safe_cell(s.from_store_id or ""),
                s.requested_units,
                s.units,
                s.is_partial,
                s.status,
            ]

    header = ["week_number", "kind", "store_id", "from_store", "requested_units", "units"]
    return _season_csv(request, workflow_id, "shipments", [*header, "is_partial", "status"], rows)


@role_required("view")
def sample_week_csv(request: HttpRequest, workflow_id: int) -> HttpResponse:
    """Demo: the next week's sales from a sample scenario, served from what each store holds
    (never more than the season sent), as a file to upload."""
    workflow = get_object_or_404(Workflow.objects.select_related("category"), pk=workflow_id)
    scenario = request.GET.get("scenario", "normal")
    try:
        week, sold = sample_week_sales(workflow, scenario=scenario, directory=SAMPLE_DIR)
    except Conflict as conflict:
        messages.error(request, str(conflict))
        return redirect("season", workflow_id=workflow_id)
    response = HttpResponse(content_type="text/csv")
    response["Content-Disposition"] = (
        f'attachment; filename="season-{workflow_id}-week-{week}-{scenario}.csv"'
    )
    writer = csv.writer(response)
    writer.writerow(["store_id", "week_number", "units_sold"])
    writer.writerows([_safe_cell(store), week, units] for store, units in sorted(sold.items()))
    return response


@role_required("view")
def season_export(request: HttpRequest, workflow_id: int, what: str, fmt: str) -> HttpResponse:
    """The weekly table, the plan or the report as CSV or Excel."""
    workflow = get_object_or_404(Workflow, pk=workflow_id)
    try:
        table = exports.season_table(workflow, what)
    except Conflict as conflict:
        messages.error(request, str(conflict))
        return redirect("season", workflow_id=workflow_id)
    response = HttpResponse(exports.rendered(table, fmt), content_type=exports.FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="season-{workflow_id}-{what}.{fmt}"'
    return response


def _safe_cell(value: str) -> str:
    return f"'{value}" if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


@role_required("view")
def season(request: HttpRequest, workflow_id: int) -> HttpResponse:
    return render(request, "planner/season.html", _season_page(workflow_id))


def _live_part_etag(request: HttpRequest, workflow_id: int) -> str | None:
    """The live part's version: the season's stamp (its figures) for this reader and this
    form token, so an unchanged season is answered 304 without replaying its weeks."""
    stamp = season_stamp(workflow_id)
    if stamp is None:
        return None
    reader = (request.user.pk, request.META.get("CSRF_COOKIE", ""))
    return hashlib.sha256(repr((stamp, reader)).encode()).hexdigest()[:32]


@role_required("view")
@cache_control(private=True, no_cache=True)  # kept, but asked again with its ETag each time
@condition(etag_func=_live_part_etag)
def season_live(request: HttpRequest, workflow_id: int) -> HttpResponse:
    """The season page's live part alone: the page asks for it on every streamed event and
    swaps it in place (no reload; the page's messages are left for the page). The answer
    carries an ETag; asked again with it while nothing in the season changed, it is a 304."""
    return render(request, "planner/season_live.html", _season_page(workflow_id))


@role_required("view")
def season_week_drill(request: HttpRequest, workflow_id: int, week_number: int) -> HttpResponse:
    """One uploaded week by cluster and store, read when the page unfolds it."""
    workflow = get_object_or_404(
        Workflow.objects.select_related("category", "parameters"), pk=workflow_id
    )
    context = dashboard.week_drill(workflow, week_number)
    if context is None:
        raise Http404(f"Week {week_number} of season {workflow_id} is not uploaded.")
    return render(request, "planner/week_drill.html", context)


def _season_page(workflow_id: int) -> dict[str, Any]:
    # The stream position first, then the season: an event committed between the two reads is
    # replayed to the page (and reloads it), never hidden behind a stale status.
    last_sequence = selectors.last_event_sequence(workflow_id)
    workflow = get_object_or_404(
        Workflow.objects.select_related("category", "parameters"), pk=workflow_id
    )
    context = dashboard.season_view(workflow, last_sequence=last_sequence).as_context()
    context.update(
        manufacturing_form=ManufacturingForm(
            initial={
                "safety_stock_percent": round(100 * context["allocation"].safety_stock_pct),
                "dc_holdback_percent": round(100 * context["allocation"].dc_holdback_pct),
                "replenishment_strategy": workflow.parameters.replenishment_strategy,
                "markdown_threshold_percent": None
                if workflow.parameters.markdown_threshold is None
                else round(100 * workflow.parameters.markdown_threshold),
            }
            if context.get("allocation")
            else None
        ),
        upload_form=WeeklyUploadForm(initial={"week_number": context["next_week"]}),
        sample_scenarios=list(SCENARIO_LIFT_RESPONSE)
        if (SAMPLE_DIR / SCENARIO_DIR / workflow.category_id).is_dir()
        else [],
        markdown_form=MarkdownForm(
            initial={"elasticity": django_settings.PLANNING["DEFAULT_ELASTICITY"]}
        ),
    )
    if context.get("awaiting_action") == "approve_manufacturing_order":
        category = workflow.category
        try:
            economics, economics_problem = shared_selectors.economics_of(category), ""
        except shared_selectors.EconomicsInvalid as problem:
            economics, economics_problem = None, str(problem)
        context.update(
            economics=economics,
            economics_problem=economics_problem,
            economics_form=EconomicsForm(
                initial={
                    "price": category.price,
                    "unit_cost": category.unit_cost,
                    "salvage_value": category.salvage_value,
                    "shipment_cost": category.shipment_cost,
                }
            ),
        )
    return context


def _conflict(request: HttpRequest, exc: Exception) -> None:
    messages.error(request, str(exc))


@role_required("approve")
@require_POST
def approve_manufacturing(request: HttpRequest, workflow_id: int) -> HttpResponse:
    form = ManufacturingForm(request.POST)
    if not form.is_valid():
        messages.error(
            request,
            "Safety stock must be 10-30 %, the DC holdback and the markdown threshold 0-100 %.",
        )
    else:
        percent = form.cleaned_data["safety_stock_percent"]
        holdback = form.cleaned_data["dc_holdback_percent"]
        threshold = form.cleaned_data["markdown_threshold_percent"]
        markdown: float | Keep | None = (
            Keep.KEEP
            if "markdown_threshold_percent" not in request.POST
            else None
            if threshold is None
            else threshold / 100
        )
        try:
            workflows.approve_manufacturing(
                workflow_id=workflow_id,
                action=form.cleaned_data["action"],
                safety_stock_pct=None if percent is None else percent / 100,
                dc_holdback_pct=None if holdback is None else holdback / 100,
                replenishment_strategy=form.cleaned_data["replenishment_strategy"] or None,
                markdown_threshold=markdown,
            )
            done = "accepted" if form.cleaned_data["action"] == "accept" else "recomputed"
            messages.success(request, f"Manufacturing order {done}.")
        except (Conflict, ValueError) as exc:
            _conflict(request, exc)
    return redirect("season", workflow_id=workflow_id)


@role_required("approve")
@require_POST
def cancel_season(request: HttpRequest, workflow_id: int) -> HttpResponse:
    """Cancels the season once the person has ticked the confirmation."""
    if request.POST.get("confirm") != "yes":
        messages.error(request, "Tick the box to confirm the cancellation; nothing was changed.")
        return redirect("season", workflow_id=workflow_id)
    try:
        workflows.season_cancel(workflow_id=workflow_id)
        messages.success(
            request, "The season is cancelled: nothing more runs; what it stored stays."
        )
    except Conflict as exc:
        _conflict(request, exc)
    return redirect("season", workflow_id=workflow_id)


@role_required("plan")
@require_POST
def season_economics(request: HttpRequest, workflow_id: int) -> HttpResponse:
    """Saves the season's category economics (the what-if prices its policies with them)."""
    workflow = get_object_or_404(Workflow.objects.select_related("category"), pk=workflow_id)
    form = EconomicsForm(request.POST)
    if not form.is_valid():
        problems = "; ".join(
            f"{field.replace('_', ' ')}: {' '.join(map(str, errors))}"
            for field, errors in form.errors.items()
        )
        messages.error(request, f"Economics not saved. {problems}")
        return redirect("season", workflow_id=workflow_id)
    data = form.cleaned_data
    try:
        economics = services.category_economics_set(
            category_id=workflow.category_id,
            price=data["price"],
            unit_cost=data["unit_cost"],
            salvage_value=data["salvage_value"],
            shipment_cost=data["shipment_cost"] or Decimal(0),
        )
    except ValueError as exc:
        messages.error(request, f"Economics not saved: {exc}.")
    else:
        messages.success(
            request,
            f"Economics of {workflow.category.name} saved: price {economics.price:.2f}, unit "
            f"cost {economics.unit_cost:.2f}, salvage {economics.salvage_value:.2f}, "
            f"{economics.shipment_cost:.2f} a shipment.",
        )
    return redirect("season", workflow_id=workflow_id)


@role_required("plan")
@require_POST
@throttled("uploads")
def upload_week(request: HttpRequest, workflow_id: int) -> HttpResponse:
    form = WeeklyUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "Choose the week and a CSV file.")
        return redirect("season", workflow_id=workflow_id)
    try:
        outcome = weekly.week_upload(
            workflow_id=workflow_id,
            week_number=form.cleaned_data["week_number"],
            raw=form.cleaned_data["file"].read(),
            replace=form.cleaned_data["replace"],
        )
    except ImportRejected as exc:
        problems = "; ".join(
            f"row {p.row}, {p.column}: {p.message}" if p.row else p.message for p in exc.listed[:20]
        )
        messages.error(request, f"{exc.message} {problems}")
    except Conflict as exc:
        _conflict(request, exc)
    else:
        variance = outcome["variance"]
        messages.success(
            request,
            f"Week {outcome['week_number']}: {variance['weekly_variance']:+.1%} "
            f"({variance['weekly_band'].replace('_', ' ')}). "
            + "; ".join(outcome["actions"] or ["no action needed"]),
        )
    return redirect("season", workflow_id=workflow_id)


@role_required("approve")
@require_POST
def approve_markdown(request: HttpRequest, workflow_id: int) -> HttpResponse:
    form = MarkdownForm(request.POST)
    if not form.is_valid():
        messages.error(
            request,
            "Elasticity must be 1.0-3.0 and a markdown 0-"
            f"{100 * MAX_MARKDOWN_PCT:.0f} %: "
            + "; ".join(
                f"{field}: {' '.join(map(str, errors))}" for field, errors in form.errors.items()
            ),
        )
    else:
        action = form.cleaned_data["action"]
        try:
            decision = weekly.markdown_decide(
                workflow_id=workflow_id,
                action=action,
                elasticity=form.cleaned_data["elasticity"],
                markdown_pct=form.markdown_pct() if action == "accept" else None,
            )
            if decision.status == "declined":
                messages.success(request, f"Week {decision.week_number}: markdown declined.")
            elif decision.decided_pct:
                messages.success(
                    request,
                    f"Week {decision.week_number}: {decision.decided_pct:.0%} markdown applied "
                    f"from week {decision.week_number + 1}.",
                )
            elif decision.decided_pct is not None:
                messages.success(request, f"Week {decision.week_number}: no markdown, as priced.")
            else:
                messages.success(request, decision.reasoning)
        except (Conflict, ValueError) as exc:
            _conflict(request, exc)
    return redirect("season", workflow_id=workflow_id)


def _line_changes(form: Any) -> dict[tuple[str, str | None], int]:
    """The units a person typed for the week's DC lines (fields `units:<store>`); raises
    ShipmentEditRefused for a value that is not a whole number of 0 or more."""
    changes: dict[tuple[str, str | None], int] = {}
    for field, value in form.items():
        if not field.startswith("units:"):
            continue
        store = field.removeprefix("units:")
        text = str(value).strip().replace(",", "")
        if not text.isdigit():
            raise ShipmentEditRefused(
                f"Units for {store} must be a whole number of 0 or more, not {str(value)[:20]!r}."
            )
        changes[(store, None)] = int(text)
    return changes


@role_required("approve")
@require_POST
def approve_replenishment(request: HttpRequest, workflow_id: int, week_number: int) -> HttpResponse:
    """Approves the week's proposal with the units typed in its lines (0 rejects a line), or
    rejects it whole (the Reject button)."""
    reject = request.POST.get("action") == "reject"
    try:
        _, rejected = weekly.replenishment_approve(
            workflow_id=workflow_id,
            week_number=week_number,
            units={} if reject else _line_changes(request.POST),
            reject=reject,
        )
        allocation = allocation_selectors.season_allocation(workflow_id=workflow_id)
        shipping = [
            line
            for line in (replenishment_lines(allocation) if allocation else [])
            if line.week_number == week_number
            and line.status == ShipmentStatus.APPROVED
            and line.units > 0
        ]
        if reject:
            message = f"Rejected week {week_number}: {rejected} lines, nothing ships."
        else:
            message = (
                f"Approved week {week_number}: {sum(line.units for line in shipping):,} units to "
                f"{len(shipping)} stores" + (f"; {rejected} lines rejected." if rejected else ".")
            )
        messages.success(request, message)
    except (Conflict, ShipmentEditRefused) as exc:
        _conflict(request, exc)
    return redirect("season", workflow_id=workflow_id)


@cache
def _plotly_js() -> bytes:
    from plotly.offline import get_plotlyjs

    return get_plotlyjs().encode()


@cache
def _plotly_js_gzip() -> bytes:
    return gzip.compress(_plotly_js(), compresslevel=6)


def plotly_js(request: HttpRequest) -> HttpResponse:
    """plotly.js from the installed plotly package, so charts work without internet access;
    gzipped (4.8 MB -> about 1.4 MB) for browsers that accept it."""
    gzipped = "gzip" in request.headers.get("Accept-Encoding", "")
    response = HttpResponse(
        _plotly_js_gzip() if gzipped else _plotly_js(), content_type="text/javascript"
    )
    if gzipped:
        response["Content-Encoding"] = "gzip"
    response["Vary"] = "Accept-Encoding"
    response["Cache-Control"] = "public, max-age=86400"
    return response
