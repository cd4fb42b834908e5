// Host screen of a live game: polls the game's state (a 304 while nothing changed),
// reloads the page when the phase or the roster changes, keeps the answer count
// current, shows the question's options at the opening announced with it (the
// players' devices show them at the same moment), runs the timer bar, and reveals
// the answer when the time is up.
(function () {
  "use strict";
  var root = document.getElementById("live-host");
  if (!root) return;
  var url = root.dataset.stateUrl;
  var version = root.dataset.version;
  var roster = root.dataset.roster;
  var phase = root.dataset.state;
  var etag = null;
  var started = performance.now();
  var opensAt = started + Number(root.dataset.opensInMs || 0);
  var deadline = started + Number(root.dataset.remainingMs || 0);
  var limitMs = Number(root.dataset.seconds || 1) * 1000;
  var leadIn = document.getElementById("lead-in");
  var opensIn = document.getElementById("opens-in");
  var open = document.getElementById("question-open");
  var fill = document.getElementById("timer-fill");
  var countdown = document.getElementById("countdown");
  var answerCount = document.getElementById("answer-count");
  var advanceForm = document.getElementById("advance-form");
  var revealed = false;
  if (phase === "finished") return;

  function tick() {
    if (!countdown) return;
    var now = performance.now();
    if (now < opensAt) {
      if (opensIn) opensIn.textContent = String(Math.ceil((opensAt - now) / 1000));
      window.setTimeout(tick, Math.min(100, opensAt - now));
      return;
    }
    if (open && open.hidden) {
      open.hidden = false;
      if (leadIn) leadIn.hidden = true;
    }
    var leftMs = Math.max(0, deadline - now);
    countdown.textContent = String(Math.ceil(leftMs / 1000));
    // Set through the CSSOM (allowed by the strict CSP, unlike a style attribute).
    if (fill) fill.style.transform = "scaleX(" + Math.min(1, leftMs / limitMs).toFixed(4) + ")";
    if (leftMs === 0 && advanceForm && !revealed) {
      // The server holds the deadline; the host's screen moves on to the reveal.
      revealed = true;
      advanceForm.requestSubmit();
      return;
    }
    window.setTimeout(tick, 100);
  }

  function poll() {
    var headers = { Accept: "application/json" };
    if (etag) headers["If-None-Match"] = etag;
    fetch(url, { headers: headers, credentials: "same-origin", cache: "no-store" })
      .then(function (response) {
        if (response.status === 304) return null;
        if (!response.ok) throw new Error("HTTP " + response.status);
        etag = response.headers.get("ETag");
        return response.json();
      })
      .then(function (state) {
        if (state) {
          if (String(state.version) !== version || String(state.roster_version) !== roster) {
            window.location.reload();
            return;
          }
          if (answerCount) answerCount.textContent = String(state.answers);
        }
        window.setTimeout(poll, 1000);
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }

  tick();
  window.setTimeout(poll, 1000);
})();
