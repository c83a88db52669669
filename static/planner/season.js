// Live agent cards: follow the workflow's WebSocket stream (the server replays stored events
// on connect), reconnect after a drop, and reload the page when a person is needed or the
// workflow ends, so the server-rendered sections show the new figures.
(function () {
  var section = document.getElementById("agents");
  if (!section) { return; }
  var url = (location.protocol === "https:" ? "wss://" : "ws://") + location.host + section.dataset.wsUrl;
  // Events up to this one are already on the page; the replay on connect skips them.
  var lastSequence = parseInt(section.dataset.lastSequence || "0", 10);
  var retry = 500;

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
    if (target && (message.type === "agent_progress" || message.type === "error")) {
      var line = document.createElement("li");
      line.textContent = message.message || message.error_message;
      target.querySelector(".log").appendChild(line);
    }
    var ends = ["human_input_required", "workflow_complete", "error", "agent_completed"];
    if (ends.indexOf(message.type) >= 0) {
      setTimeout(function () { location.reload(); }, 300);
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
