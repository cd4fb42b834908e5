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
  var pollMs = Number(root.dataset.pollMs) || 1000;
  var leadIn = document.getElementById("lead-in");
  var opensIn = document.getElementById("opens-in");
  var open = document.getElementById("question-open");
  var fill = document.getElementById("timer-fill");
  var countdown = document.getElementById("countdown");
  var answerCount = document.getElementById("answer-count");
  var advanceForm = document.getElementById("advance-form");
  var revealed = false;
  if (phase === "finished") return;

  // Sounds: off unless the host turns them on (remembered in this browser). A short
  // tone when the options open and when the time is up, made with Web Audio: no files.
  var soundButton = document.getElementById("sound-toggle");
  var soundOn = window.localStorage && localStorage.getItem("live-sound") === "on";
  var audio = null;
  function showSound() {
    if (!soundButton) return;
    soundButton.hidden = false;
    soundButton.setAttribute("aria-pressed", soundOn ? "true" : "false");
    soundButton.textContent = soundOn ? "Sound: on" : "Sound: off";
  }
  function beep(frequency) {
    if (!soundOn) return;
    try {
      audio = audio || new (window.AudioContext || window.webkitAudioContext)();
      var tone = audio.createOscillator();
      var gain = audio.createGain();
      tone.frequency.value = frequency;
      gain.gain.setValueAtTime(0.2, audio.currentTime);
      gain.gain.exponentialRampToValueAtTime(0.001, audio.currentTime + 0.4);
      tone.connect(gain).connect(audio.destination);
      tone.start();
      tone.stop(audio.currentTime + 0.4);
    } catch (e) { /* no audio here: stay silent */ }
  }
  if (soundButton) {
    soundButton.addEventListener("click", function () {
      soundOn = !soundOn;
      if (window.localStorage) localStorage.setItem("live-sound", soundOn ? "on" : "off");
      showSound();
      beep(660);
    });
    showSound();
  }

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
      beep(880);
    }
    var leftMs = Math.max(0, deadline - now);
    countdown.textContent = String(Math.ceil(leftMs / 1000));
    // Set through the CSSOM (allowed by the strict CSP, unlike a style attribute).
    if (fill) fill.style.transform = "scaleX(" + Math.min(1, leftMs / limitMs).toFixed(4) + ")";
    if (leftMs === 0 && advanceForm && !revealed) {
      // The server holds the deadline; the host's screen moves on to the reveal.
      revealed = true;
      beep(440);
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
        window.setTimeout(poll, pollMs);
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }

  tick();
  window.setTimeout(poll, pollMs);
})();
