// Live agent cards: follow the workflow's WebSocket stream (the server replays stored events
// on connect), reconnect after a drop, and reload the page when a person is needed, the season
// starts (the orchestrator's message, sent with the status change) or ends, so the
// server-rendered sections show the new figures.
(function () {
  var section = document.getElementById("agents");
  if (!section) { return; }
  var url = (location.protocol === "https:" ? "wss://" : "ws://") + location.host + section.dataset.wsUrl;
  // Events up to this one are already on the page; the replay on connect skips them.
  var lastSequence = parseInt(section.dataset.lastSequence || "0", 10);
  var retry = 500;
  // A form sent from this page leads to a page with the latest figures and the answer's
  // message; from then on the stream must not reload this page over that navigation.
  var leaving = false;
  document.addEventListener("submit", function (event) {
    if (!event.defaultPrevented) { leaving = true; }
  });
  window.addEventListener("pageshow", function () { leaving = false; });

  function card(agent) { return section.querySelector('[data-agent="' + agent + '"]'); }

  function show(message) {
    if (message.type === "heartbeat" || message.sequence <= lastSequence) { return; }
    lastSequence = message.sequence;
    var target = card(message.agent);
    var state = { agent_started: "running", agent_completed: "done", human_input_required: "needs you", error: "error" }[message.type];
    if (target && state) {
      target.className = "card " + state.replace(" ", "_");
      target.querySelector(".state").textContent = state;
    }
    if (typeof message.progress_pct === "number") {
      document.getElementById("workflow-progress").value = message.progress_pct;
    }
    if (target && (message.type === "agent_progress" || message.type === "error")) {
      var line = document.createElement("li");
      line.textContent = message.message || message.error_message;
      target.querySelector(".log").appendChild(line);
    }
    var ends = ["human_input_required", "workflow_complete", "error"];
    var started = message.type === "agent_progress" && message.agent === "orchestrator";
    if (ends.indexOf(message.type) >= 0 || started) {
      setTimeout(function () { if (!leaving) { location.reload(); } }, 300);
    }
  }

  function connect() {
    var socket = new WebSocket(url);
    socket.onopen = function () { retry = 500; };
    socket.onmessage = function (event) { show(JSON.parse(event.data)); };
    socket.onclose = function () { setTimeout(connect, retry); retry = Math.min(retry * 2, 10000); };
  }
  connect();
})();

// Sortable tables: click a heading to sort by that column (numbers as numbers).
document.querySelectorAll("table.sortable").forEach(function (table) {
  table.querySelectorAll("th").forEach(function (heading, column) {
    heading.tabIndex = 0;
    heading.setAttribute("role", "button");
    var ascending = true;
    function sort() {
      var body = table.tBodies[0];
      var value = function (row) {
        var text = row.cells[column].textContent.trim();
        var number = parseFloat(text.replace(/,/g, ""));
        return isNaN(number) ? text : number;
      };
      var rows = Array.prototype.slice.call(body.rows).sort(function (a, b) {
        var x = value(a), y = value(b);
        return (x > y ? 1 : x < y ? -1 : 0) * (ascending ? 1 : -1);
      });
      rows.forEach(function (row) { body.appendChild(row); });
      ascending = !ascending;
    }
    heading.addEventListener("click", sort);
    heading.addEventListener("keydown", function (event) { if (event.key === "Enter") { sort(); } });
  });
});

// Markdown preview: the SPEC 7.7 formula with the slider's elasticity (the server recomputes
// the same figures when the form is sent).
(function () {
  var form = document.getElementById("markdown-form");
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
})();

// Manufacturing preview while the safety stock is edited: the server's own split
// (allocation.engine.allocation.order_split) for every whole percent 10-30, looked up here.
(function () {
  var form = document.getElementById("order-form");
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
})();

// A table of policies side by side (the what-if's answer): each metric's mean, with its
// P10 .. P90 over simulated seasons when `range` is set.
var POLICY_METRICS = {
  units_sold: "Units sold", lost_units: "Lost sales", revenue: "Revenue", gross_margin: "Gross margin",
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
(function () {
  var panel = document.getElementById("what-if");
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
})();

// Hindsight, once the season is closed: the what-if's policies replayed on the weeks that
// happened (the answer's `actual_weeks`), beside the season as it ran.
(function () {
  var form = document.getElementById("hindsight-form");
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
})();

// Charts: plotly draws each figure from its JSON data (no inline script, for the CSP; no cloud
// links in the toolbar).
document.querySelectorAll("[data-figure]").forEach(function (div) {
  var figure = JSON.parse(document.getElementById(div.dataset.figure).textContent);
  Plotly.newPlot(div, figure.data, figure.layout, { responsive: true, displaylogo: false, showSendToCloud: false });
});
