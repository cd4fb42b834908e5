// Player screen of a live game. Polls the player's state with If-None-Match (the
// server answers 304 while the game has not moved), redraws the card when it moved,
// and sends answers with fetch. Without this script the page still works: plain
// forms and a <noscript> refresh. Everything shown comes from the server's state;
// the right answer is not in it before the reveal.
(function () {
  "use strict";
  var root = document.getElementById("live-player");
  if (!root) return;
  var view = document.getElementById("live-view");
  var stateUrl = root.dataset.stateUrl;
  var answerUrl = root.dataset.answerUrl;
  var csrf = document.getElementById("live-csrf").value;
  var playerKey = root.dataset.playerKey;
  var etag = null;
  var current = null;
  var deadline = 0;
  var opensAt = 0; // when the options show: the same server moment on every device
  var timer = null;
  var pollDelay = Number(root.dataset.pollMs) || 1000;
  // The question's picture: one <img> per question, put back on every redraw of the
  // card (the same node, so the browser neither reloads nor flickers it). The URL
  // names the question by its position, which replaces the 0 of the page's example.
  var pictureUrl = root.dataset.pictureUrl || "";
  var picture = null;
  var picturePosition = null;

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function setText(id, text) {
    var node = document.getElementById(id);
    if (node) node.textContent = String(text);
  }

  function clear() {
    while (view.firstChild) view.removeChild(view.firstChild);
    if (timer) { window.clearTimeout(timer); timer = null; }
  }

  function teamBoard(teams) {
    var list = el("ol", { class: "plain team-scores" });
    teams.forEach(function (t) {
      var li = el("li", { class: "team-" + t.team });
      li.appendChild(el("span", { class: "rank" }, t.rank));
      li.appendChild(document.createTextNode(" Team " + t.name + " "));
      li.appendChild(el("span", { class: "score" }, t.score));
      list.appendChild(li);
    });
    return list;
  }

  function podium(top) {
    var list = el("ol", { class: "plain podium" });
    top.slice(0, 3).forEach(function (row, i) {
      var li = el("li", { class: "place-" + (i + 1) });
      li.appendChild(el("span", { class: "rank" }, row.rank));
      li.appendChild(el("span", { class: "nick" }, row.nickname));
      li.appendChild(el("span", { class: "score" }, row.score));
      list.appendChild(li);
    });
    return list;
  }

  function countdown() {
    var node = el("p", { class: "countdown muted" });
    var span = el("span", { id: "countdown" });
    node.appendChild(span);
    node.appendChild(document.createTextNode(" s left"));
    function tick() {
      var left = Math.max(0, Math.ceil((deadline - performance.now()) / 1000));
      span.textContent = String(left);
      if (left === 0) {
        if (current && current.state === "question" && !current.answered) {
          current.question.remaining_ms = 0;
          render(current);
        }
        return;
      }
      timer = window.setTimeout(tick, 250);
    }
    tick();
    return node;
  }

  function sendAnswer(picks, buttons, text) {
    buttons.forEach(function (b) { b.disabled = true; });
    var body = new URLSearchParams();
    body.append("position", String(current.question.position));
    picks.forEach(function (p) { body.append("pick", String(p)); });
    if (text !== undefined) body.append("answer", text);
    fetch(answerUrl, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { Accept: "application/json", "X-CSRFToken": csrf, "X-Live-Key": playerKey }
    })
      .then(function (response) {
        return response.json().then(function (data) { return { ok: response.ok, data: data }; });
      })
      .then(function (result) {
        if (result.ok) {
          current.answered = true;
          current.my_picks = picks;
          render(current);
        } else {
          showMessage(result.data.error || "Your answer was not counted.");
        }
      })
      .catch(function () {
        buttons.forEach(function (b) { b.disabled = false; });
        showMessage("No connection: your answer was not sent. Try again.");
      });
  }

  function showMessage(text) {
    var old = document.getElementById("live-message");
    if (old) old.remove();
    view.appendChild(el("p", { id: "live-message", class: "error", role: "alert" }, text));
  }

  function tileClass(q, i) {
    return "option tile tile-" + ((q.tiles ? q.tiles[i] : i) % 6);
  }

  function renderLeadIn(q) {
    // The question first; the options open at the moment announced with it.
    var node = el("p", { class: "get-ready" }, "Get ready… ");
    var span = el("span", { id: "opens-in" });
    node.appendChild(span);
    view.appendChild(node);
    function tick() {
      var left = opensAt - performance.now();
      if (left <= 0) { render(current); return; }
      span.textContent = String(Math.ceil(left / 1000));
      timer = window.setTimeout(tick, Math.min(250, left));
    }
    tick();
  }

  function renderTyped(q, buttons) {
    var form = el("form", { class: "typed-answer" });
    var label = el("label", { for: "typed-input" },
      q.input === "number" ? (q.unit === "year" ? "Your guess (a year)" : "Your guess")
        : "Your answer");
    var input = el("input", { id: "typed-input", type: "text", autocomplete: "off",
      maxlength: "200", inputmode: q.unit === "year" ? "numeric" : "text" });
    var send = el("button", { type: "submit", class: "primary" }, "Send my answer");
    buttons.push(send);
    form.appendChild(label);
    form.appendChild(input);
    form.appendChild(send);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (!input.value.trim()) { showMessage("Type your answer first."); return; }
      sendAnswer([], buttons, input.value);
    });
    view.appendChild(form);
    input.focus();
  }

  function renderOrder(q, buttons) {
    // Tap the items in order; the list below shows the order so far.
    var chosen = [];
    view.appendChild(el("p", { class: "order-help" }, "Tap the items in order, first to last."));
    var grid = el("div", { class: "option-buttons" });
    var list = el("ol", { class: "order-so-far" });
    q.options.forEach(function (option, i) {
      var button = el("button", { type: "button", class: tileClass(q, i) }, option);
      button.addEventListener("click", function () {
        chosen.push(i);
        button.disabled = true;
        list.appendChild(el("li", {}, option));
        send.disabled = chosen.length !== q.options.length;
      });
      grid.appendChild(button);
    });
    var reset = el("button", { type: "button" }, "Start again");
    var send = el("button", { type: "button", class: "primary", disabled: "disabled" }, "Send my order");
    reset.addEventListener("click", function () { render(current); });
    send.addEventListener("click", function () { sendAnswer(chosen, buttons); });
    buttons.push(send, reset);
    view.appendChild(grid);
    view.appendChild(list);
    var actions = el("p", { class: "actions" });
    actions.appendChild(reset);
    actions.appendChild(send);
    view.appendChild(actions);
  }

  function questionPicture(q) {
    if (!q.picture || !pictureUrl) return null;
    if (picturePosition !== q.position) {
      picture = el("figure", { class: "live-picture" });
      picture.appendChild(el("img", {
        src: pictureUrl.replace(/\/0$/, "/" + q.position),
        alt: "The picture that goes with this question"
      }));
      picturePosition = q.position;
    }
    return picture;
  }

  function renderQuestion(state) {
    var q = state.question;
    view.appendChild(el("h1", { class: "live-prompt" }, q.prompt));
    var shown = questionPicture(q);
    if (shown) view.appendChild(shown);
    if (state.answered) {
      view.appendChild(el("p", { class: "status" }, "Answer received. Wait for the reveal."));
      return;
    }
    if (performance.now() < opensAt) {
      renderLeadIn(q);
      return;
    }
    if (q.remaining_ms <= 0 || performance.now() >= deadline) {
      view.appendChild(el("p", { class: "status" }, "Time's up!"));
      return;
    }
    var buttons = [];
    if (q.input === "text" || q.input === "number") {
      renderTyped(q, buttons);
    } else if (q.input === "order") {
      renderOrder(q, buttons);
    } else if (q.multi) {
      var fieldset = el("fieldset");
      fieldset.appendChild(el("legend", {}, "Pick every right answer"));
      var boxes = [];
      q.options.forEach(function (option, i) {
        var label = el("label", { class: "check " + tileClass(q, i) });
        var box = el("input", { type: "checkbox", value: String(i) });
        boxes.push(box);
        label.appendChild(box);
        label.appendChild(document.createTextNode(" " + option));
        fieldset.appendChild(label);
      });
      var send = el("button", { type: "button", class: "primary" }, "Send my answer");
      buttons.push(send);
      send.addEventListener("click", function () {
        var picks = boxes.filter(function (b) { return b.checked; })
          .map(function (b) { return Number(b.value); });
        if (!picks.length) { showMessage("Pick at least one option."); return; }
        sendAnswer(picks, buttons);
      });
      view.appendChild(fieldset);
      view.appendChild(send);
    } else {
      var grid = el("div", { class: "option-buttons" });
      q.options.forEach(function (option, i) {
        var button = el("button", { type: "button", class: tileClass(q, i) }, option);
        button.addEventListener("click", function () {
          button.setAttribute("aria-pressed", "true");
          sendAnswer([i], buttons);
        });
        buttons.push(button);
        grid.appendChild(button);
      });
      view.appendChild(grid);
    }
    view.appendChild(countdown());
  }

  function renderReveal(state) {
    var mine = state.reveal.mine;
    if (!state.reveal.scored) {
      view.appendChild(el("h1", {}, mine.answered ? "Thanks for voting!" : "No vote"));
      return;
    }
    var title = mine.correct ? "Right!" : mine.points > 0 ? "Partly right"
      : mine.answered ? "Not this time" : "No answer";
    view.appendChild(el("h1", { class: mine.correct ? "ok" : "bad" }, title));
    view.appendChild(el("p", {}, mine.points ? "+" + mine.points + " points"
      : "No points for this question."));
    if (state.my_text) {
      var yours = el("p", {}, "You answered: ");
      yours.appendChild(el("strong", {}, state.my_text));
      view.appendChild(yours);
    }
    var answer = el("p", {}, "The answer: ");
    answer.appendChild(el("strong", {}, state.reveal.answer));
    view.appendChild(answer);
    view.appendChild(el("blockquote", { class: "evidence" }, state.reveal.evidence));
    if (state.rank) {
      var line = el("p", { class: "rank-line" }, "You are ");
      line.appendChild(el("strong", {}, "#" + state.rank));
      line.appendChild(document.createTextNode(" of " + state.players + "."));
      view.appendChild(line);
    }
    if (state.teams) view.appendChild(teamBoard(state.teams));
  }

  function render(state) {
    current = state;
    clear();
    setText("me-nick", state.me.nickname);
    setText("me-score", state.me.score);
    var number = document.getElementById("q-number");
    if (number) {
      number.textContent = state.position >= 0 && state.state !== "finished"
        ? "Question " + (state.position + 1) + " of " + state.total : "";
    }
    if (state.state === "removed") {
      view.appendChild(el("h1", {}, "The host removed you from this game."));
    } else if (state.state === "waiting") {
      view.appendChild(el("h1", {}, "Almost in…"));
      view.appendChild(el("p", {}, "The host lets each player in: wait a moment."));
    } else if (state.state === "lobby") {
      view.appendChild(el("h1", {}, "You're in!"));
      view.appendChild(el("p", {}, "Look at the big screen: the game starts soon."));
    } else if (state.state === "question") {
      renderQuestion(state);
    } else if (state.state === "reveal" || state.state === "leaderboard") {
      renderReveal(state);
    } else if (state.state === "finished") {
      view.appendChild(el("h1", {}, "Game over"));
      var line = el("p", { class: "rank-line" }, "You finished ");
      line.appendChild(el("strong", {}, "#" + state.rank));
      line.appendChild(document.createTextNode(" of " + state.players + " with "));
      line.appendChild(el("strong", {}, state.me.score));
      line.appendChild(document.createTextNode(" points."));
      view.appendChild(line);
      if (state.teams) view.appendChild(teamBoard(state.teams));
      view.appendChild(podium(state.top || []));
    }
  }

  // This device's clock minus the server's, from the poll with the fastest round trip
  // (the server's reading lies within it, so the error is at most half of it). The
  // best round trip ages a little each poll, so a changed network is followed.
  var offset = null;
  var bestTrip = Infinity;

  function learnClock(response, sentAt) {
    var server = Number(response.headers.get("X-Server-Time"));
    if (!server) return;
    var now = Date.now();
    var trip = now - sentAt;
    bestTrip += 2;
    if (trip <= bestTrip) {
      bestTrip = trip;
      offset = (sentAt + now) / 2 - server;
    }
  }

  function openingMoment(q, receivedAt) {
    // performance.now() of the opening: the announced server moment on this device's
    // clock when its offset is known, else "in opens_in_ms" from the state's arrival.
    if (offset !== null && q.options_at_ms) {
      return receivedAt + (q.options_at_ms + offset - Date.now());
    }
    return receivedAt + (q.opens_in_ms || 0);
  }

  function poll() {
    var headers = { Accept: "application/json" };
    if (etag) headers["If-None-Match"] = etag;
    var sentAt = Date.now();
    fetch(stateUrl, { headers: headers, credentials: "same-origin", cache: "no-store" })
      .then(function (response) {
        learnClock(response, sentAt);
        if (response.status === 304) return null;
        if (!response.ok) throw new Error("HTTP " + response.status);
        etag = response.headers.get("ETag");
        return response.json();
      })
      .then(function (state) {
        if (state) {
          pollDelay = state.poll_ms || 1000;
          if (state.question) {
            var now = performance.now();
            opensAt = openingMoment(state.question, now);
            deadline = now + state.question.remaining_ms;
          }
          render(state);
          if (state.state === "finished" || state.state === "removed") return;
        }
        window.setTimeout(poll, pollDelay);
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }

  poll();
})();
