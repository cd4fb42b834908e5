// Host screen of a live game: polls the game's state (a 304 while nothing changed),
// reloads the page when the phase or the roster changes, keeps the answer count and
// the countdown current, and reveals the answer when the time is up.
(function () {
  "use strict";
  var root = document.getElementById("live-host");
  if (!root) return;
  var url = root.dataset.stateUrl;
  var version = root.dataset.version;
  var roster = root.dataset.roster;
  var phase = root.dataset.state;
  var etag = null;
  var deadline = performance.now() + Number(root.dataset.remainingMs || 0);
  var countdown = document.getElementById("countdown");
  var answerCount = document.getElementById("answer-count");
  var advanceForm = document.getElementById("advance-form");
  var revealed = false;
  if (phase === "finished") return;

  function tick() {
    if (!countdown) return;
    var left = Math.max(0, Math.ceil((deadline - performance.now()) / 1000));
    countdown.textContent = String(left);
    if (left === 0 && advanceForm && !revealed) {
      // The server holds the deadline; the host's screen moves on to the reveal.
      revealed = true;
      advanceForm.requestSubmit();
      return;
    }
    window.setTimeout(tick, 250);
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
