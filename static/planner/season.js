// The live season page: follow the workflow's WebSocket stream (the server replays stored
// events on connect), reconnect after a drop, and on every new event ask the server for the
// page's live part again (htmx swaps #season-live in place: no reload). The agent card of the
// event changes at once; the rest follows with the server's figures.
(function () {
  var season = document.getElementById("season");
  if (!season) { return; }
  var url = (location.protocol === "https:" ? "wss://" : "ws://") + location.host + season.dataset.wsUrl;
  // Events up to this one are already on the page; the replay on connect skips them.
  var lastSequence = parseInt(season.dataset.lastSequence || "0", 10);
  var retry = 500;
  // A form sent from this page leads to a page with the latest figures and the answer's
  // message; from then on the stream must not change this page under that navigation.
  var leaving = false;
  var socket = null;
  document.addEventListener("submit", function (event) {
    if (!event.defaultPrevented) { leaving = true; }
  });
  window.addEventListener("beforeunload", function () { leaving = true; });
  // Back on the page (the browser's history): listen again.
  window.addEventListener("pageshow", function () {
    leaving = false;
    if (socket && socket.readyState === WebSocket.CLOSED) { connect(); }
  });

  function show(message) {
    if (message.type === "heartbeat" || message.sequence <= lastSequence) { return; }
    lastSequence = message.sequence;
    var target = season.querySelector('[data-agent="' + message.agent + '"]');
    var state = { agent_started: "running", agent_completed: "done", human_input_required: "needs you", error: "error" }[message.type];
    if (target && state) {
      target.className = "card " + state.replace(" ", "_");
      target.querySelector(".state").textContent = state;
    }
    var progress = document.getElementById("workflow-progress");
    if (progress && typeof message.progress_pct === "number") { progress.value = message.progress_pct; }
    if (!leaving) { htmx.trigger(season, "season-changed"); }
  }

  function connect() {
    socket = new WebSocket(url);
    socket.onopen = function () { retry = 500; };
    socket.onmessage = function (event) { show(JSON.parse(event.data)); };
    // Reconnect after a drop, not while the page is being left (the browser refuses then).
    socket.onclose = function () {
      if (leaving) { return; }
      setTimeout(connect, retry);
      retry = Math.min(retry * 2, 10000);
    };
  }
  connect();
})();

// Folded sections: a link to something inside one (the header's buttons) unfolds it, and what
// the reader unfolds or folds stays so when the live part is swapped in again.
var readerChoice = {};
function reveal(id) {
  var element = id && document.getElementById(id);
  for (var d = element && element.closest("details"); d; d = d.parentElement && d.parentElement.closest("details")) {
    d.open = true;
    if (d.id) { readerChoice[d.id] = true; }
  }
}
document.addEventListener("click", function (event) {
  var link = event.target.closest('a[href^="#"]');
  if (link) { reveal(decodeURIComponent(link.getAttribute("href").slice(1))); return; }
  var summary = event.target.closest("summary");
  var details = summary && summary.parentElement;
  if (details && details.id) { readerChoice[details.id] = !details.open; }
});
if (location.hash) { reveal(decodeURIComponent(location.hash.slice(1))); }

// Each part of the page is set up where it appears: the whole page at first, then every swapped
// live part (elements kept across swaps, like the what-if panel, are set up once: tables.js's
// `once`).

htmx.onLoad(function (root) {
  root.querySelectorAll("details[id]").forEach(function (details) {
    if (details.id in readerChoice) { details.open = readerChoice[details.id]; }
  });
  sortable(root);
  markdownPreview(root);
  orderPreview(root);
  whatIf(root);
  hindsight(root);
  charts(root);
});


// Markdown preview: the markdown formula with the slider's elasticity (the server recomputes
// the same figures when the form is sent).
function markdownPreview(root) {
  var form = once(root.querySelector("#markdown-form"));
  if (!form) { return; }
  var slider = form.querySelector('input[name="elasticity"]');
  var output = form.querySelector("output");
  var preview = document.getElementById("markdown-preview");
  var gap = parseFloat(form.dataset.gap), cap = parseFloat(form.dataset.cap), lift = parseFloat(form.dataset.lift);
  function update() {
    var elasticity = parseFloat(slider.value);
    var steps = Math.floor(gap * elasticity / 0.05 + 0.5 + 1e-9);
    var markdown = Math.min(cap, steps * 0.05);
    output.textContent = elasticity.toFixed(1);
    preview.textContent = "gap " + (100 * gap).toFixed(1) + " points x " + elasticity.toFixed(1) +
      " = markdown " + Math.round(100 * markdown) + " %, expected lift " + (100 * lift * markdown).toFixed(1) + " %";
  }
  slider.addEventListener("input", update);
  update();
}

// Manufacturing preview while the safety stock is edited: the server's own split
// (allocation.engine.allocation.order_split) for every whole percent 10-30, looked up here.
function orderPreview(root) {
  var form = once(root.querySelector("#order-form"));
  if (!form) { return; }
  var input = form.querySelector('input[name="safety_stock_percent"]');
  var holdback = form.querySelector('input[name="dc_holdback_percent"]');
  var current = holdback.value;
  var preview = document.getElementById("order-preview");
  var splits = JSON.parse(document.getElementById("order-previews").textContent);
  function update() {
    var split = splits[String(parseInt(input.value, 10))];
    if (!split) { preview.textContent = ""; return; }
    if (holdback.value !== current) {
      preview.textContent = split[0].toLocaleString() + " units; Recompute for the split at " +
        holdback.value + " % DC holdback";
      return;
    }
    preview.textContent = split[0].toLocaleString() + " units: " + split[1].toLocaleString() +
      " at the DC, " + split[2].toLocaleString() + " to stores";
  }
  input.addEventListener("input", update);
  holdback.addEventListener("input", update);
  update();
}

// A table of policies side by side (the what-if's answer): each metric's mean, with its
// P10 .. P90 over simulated seasons when `range` is set.
var POLICY_METRICS = {
  units_sold: "Units sold", lost_units: "Lost sales",
  lost_units_high_demand: "Lost sales in the tenth of seasons with the most demand",
  revenue: "Revenue", gross_margin: "Gross margin",
  leftover_stores: "Left at stores", leftover_dc: "Left at the DC", sell_through: "Sell-through",
  stockout_store_weeks: "Stockout store-weeks", shipped_from_dc: "Shipped from the DC"
};
function policyTable(policies, range) {
  function number(metric, x) {
    return metric === "sell_through" ? (100 * x).toFixed(1) + " %" : Math.round(x).toLocaleString();
  }
  var table = document.createElement("table");
  var head = table.createTHead().insertRow();
  head.appendChild(document.createElement("th"));
  policies.forEach(function (policy) {
    var th = document.createElement("th");
    th.scope = "col";
    th.textContent = policy.label;
    th.title = policy.description;
    head.appendChild(th);
  });
  var rows = table.createTBody();
  var described = rows.insertRow();
  described.insertCell().textContent = "Policy";
  policies.forEach(function (policy) { described.insertCell().textContent = policy.description; });
  Object.keys(POLICY_METRICS).forEach(function (metric) {
    var row = rows.insertRow();
    var th = document.createElement("th");
    th.scope = "row";
    th.textContent = POLICY_METRICS[metric];
    row.appendChild(th);
    policies.forEach(function (policy) {
      var m = policy.metrics[metric];
      row.insertCell().textContent = number(metric, m.mean) +
        (range ? " (" + number(metric, m.p10) + " .. " + number(metric, m.p90) + ")" : "");
    });
  });
  return table;
}

function postJson(url, form, payload) {
  return fetch(url, {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-CSRFToken": form.elements.csrfmiddlewaretoken.value },
    body: JSON.stringify(payload), credentials: "same-origin"
  }).then(function (response) {
    return response.json().then(function (body) { return { ok: response.ok, body: body }; });
  });
}

// What-if: the form's choice is simulated beside the plan, the push baseline and the
// recommended policy (POST /api/workflows/{id}/what-if, read-only); a table of mean and
// P10 .. P90, and a chart of the margin's range.
function whatIf(root) {
  var panel = once(root.querySelector("#what-if"));
  if (!panel) { return; }
  var form = document.getElementById("what-if-form");
  var status = document.getElementById("what-if-status");
  var progress = document.getElementById("what-if-progress");
  var use = document.getElementById("what-if-use");
  function value(name) { return parseFloat(form.elements[name].value); }
  function outputs() {
    document.getElementById("what-if-holdback").textContent = value("holdback_pct") + " %";
    document.getElementById("what-if-safety").textContent = value("safety_stock_pct") + " %";
    var threshold = value("markdown_threshold");
    var shown = document.getElementById("what-if-threshold");
    if (shown) { shown.textContent = threshold ? threshold + " %" : "no markdown"; }
  }
  function render(body) {
    document.getElementById("what-if-table").replaceChildren(policyTable(body.policies, true));
    var margins = body.policies.map(function (p) { return p.metrics.gross_margin; });
    Plotly.newPlot("what-if-chart", [{
      type: "bar", x: body.policies.map(function (p) { return p.label; }),
      y: margins.map(function (m) { return m.p50; }), name: "Gross margin (P50)",
      error_y: { type: "data", symmetric: false,
        array: margins.map(function (m) { return m.p90 - m.p50; }),
        arrayminus: margins.map(function (m) { return m.p50 - m.p10; }) }
    }], { yaxis: { title: "Gross margin", rangemode: "tozero" }, margin: { t: 20 } },
    { responsive: true, displaylogo: false, showSendToCloud: false });
  }
  function run(event) {
    if (event) { event.preventDefault(); }
    var threshold = value("markdown_threshold");
    var payload = {
      holdback_pct: value("holdback_pct") / 100,
      safety_stock_pct: value("safety_stock_pct") / 100,
      replenishment_strategy: form.elements.replenishment_strategy.value,
      markdown_threshold: threshold ? threshold / 100 : null
    };
    status.textContent = "Simulating the four policies (a few seconds) ...";
    progress.hidden = false;
    postJson(panel.dataset.url, form, payload).then(function (answer) {
      progress.hidden = true;
      if (!answer.ok) { status.textContent = answer.body.message; return; }
      var spread = answer.body.store_share_spread;
      status.textContent = "Simulated " + answer.body.paths + " seasons a policy in " + answer.body.seconds +
        " s; store shares spread " + (100 * spread.cv).toFixed(1) + " % (" + spread.source + ").";
      render(answer.body);
      use.disabled = !document.getElementById("order-form");
      use.title = use.disabled ? "An approver recomputes the order" : "";
    }).catch(function () {
      progress.hidden = true;
      status.textContent = "The simulation did not answer; try again.";
    });
  }
  form.addEventListener("input", outputs);
  form.addEventListener("submit", run);
  // The order form takes the sliders' settings; Recompute sizes the order at them.
  use.addEventListener("click", function () {
    var order = document.getElementById("order-form");
    var safety = order.querySelector('input[name="safety_stock_percent"]');
    var wanted = value("safety_stock_pct");
    safety.value = Math.min(safety.max, Math.max(safety.min, wanted));
    order.querySelector('input[name="dc_holdback_percent"]').value = value("holdback_pct");
    order.elements.replenishment_strategy.value = form.elements.replenishment_strategy.value;
    var threshold = order.elements.markdown_threshold_percent;
    if (threshold) { threshold.value = value("markdown_threshold") || ""; }
    safety.dispatchEvent(new Event("input"));
    var note = wanted === parseFloat(safety.value) ? "" :
      " The safety stock is " + safety.value + " %: orders take " + safety.min + "-" + safety.max + " %.";
    status.textContent = "The order form holds these settings: press Recompute to see the order at them." + note;
    order.querySelector('button[value="modify"]').focus();
  });
  outputs();
}

// Hindsight, once the season is closed: the what-if's policies replayed on the weeks that
// happened (the answer's `actual_weeks`), beside the season as it ran.
function hindsight(root) {
  var form = once(root.querySelector("#hindsight-form"));
  if (!form) { return; }
  var status = document.getElementById("hindsight-status");
  var progress = document.getElementById("hindsight-progress");
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    status.textContent = "Choosing the recommended policy and replaying the season (a few seconds) ...";
    progress.hidden = false;
    // The simulated seasons are not shown here: the fewest the API takes.
    postJson(form.dataset.url, form, { paths: 10 }).then(function (answer) {
      progress.hidden = true;
      if (!answer.ok) { status.textContent = answer.body.message; return; }
      status.textContent = "Replayed on this season's weeks in " + answer.body.seconds + " s.";
      document.getElementById("hindsight-table").replaceChildren(policyTable(answer.body.actual_weeks, false));
    }).catch(function () {
      progress.hidden = true;
      status.textContent = "The replay did not answer; try again.";
    });
  });
}

// Charts: plotly draws each figure from its JSON data (no inline script, for the CSP; no cloud
// links in the toolbar).
function charts(root) {
  root.querySelectorAll("[data-figure]").forEach(function (div) {
    var figure = JSON.parse(document.getElementById(div.dataset.figure).textContent);
    Plotly.newPlot(div, figure.data, figure.layout, { responsive: true, displaylogo: false, showSendToCloud: false });
  });
}
