// Study keys, like Anki: Enter checks, Space shows the answer (Esc in an answer box,
// where Space types a space; or Enter with the box empty), 1-9 pick an option,
// 1-4 rate, Enter/Space take the highlighted rating, R says "I was right" to a typed
// answer judged wrong, Ctrl+Z undoes the last answer.
// Also fills the browser's timezone into the forms that ask for it.
// Every page works without this file: these are shortcuts for the buttons.
(function () {
  "use strict";

  var zone = "";
  try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (e) { zone = ""; }
  document.querySelectorAll("input.browser-timezone").forEach(function (input) {
    input.value = zone;
  });
  var settings = document.getElementById("settings-form");
  if (settings && settings.dataset.timezoneChosen === "0" && zone) {
    var select = settings.querySelector("select[name=timezone]");
    if (select && select.querySelector('option[value="' + zone + '"]')) select.value = zone;
  }

  var answerForm = document.getElementById("answer-form");
  var rateForm = document.getElementById("rate-form");
  var undoForm = document.getElementById("undo-form");
  if (!answerForm && !rateForm && !undoForm) return;

  var sent = false;
  function send(form, button) {
    if (sent) return;
    sent = true;
    if (button) button.click(); else form.requestSubmit();
  }

  function typing(target) {
    return target && (target.tagName === "INPUT" && target.type === "text" || target.tagName === "TEXTAREA");
  }

  document.addEventListener("keydown", function (event) {
    if (event.repeat || event.altKey || sent) return;
    var key = event.key;
    if ((event.ctrlKey || event.metaKey) && (key === "z" || key === "Z")) {
      // In a text box with text, Ctrl+Z is the text's own undo.
      if (typing(event.target) && event.target.value) return;
      if (undoForm) { event.preventDefault(); send(undoForm); }
      return;
    }
    if (event.ctrlKey || event.metaKey) return;

    if (answerForm) {
      var reveal = document.getElementById("reveal-button");
      var check = document.getElementById("check-button");
      if (typing(event.target)) {
        // Enter in the answer box submits natively; empty means "show me", and so does Esc.
        if ((key === "Enter" && !event.target.value.trim()) || key === "Escape") {
          event.preventDefault();
          send(answerForm, reveal);
        }
        return;
      }
      var mode = answerForm.dataset.choice;
      var options = answerForm.querySelectorAll("input[name=response]");
      if (mode && /^[1-9]$/.test(key)) {
        var option = options[Number(key) - 1];
        if (!option) return;
        event.preventDefault();
        if (mode === "multi") { option.checked = !option.checked; option.focus(); }
        else { option.checked = true; send(answerForm, check); }
        return;
      }
      if (key === " " && !(event.target.tagName === "BUTTON" || event.target.type === "checkbox")) {
        event.preventDefault();
        send(answerForm, reveal);
        return;
      }
      if (key === "Enter" && event.target.tagName !== "BUTTON") {
        event.preventDefault();
        var picked = answerForm.querySelector("input[name=response]:checked");
        send(answerForm, picked ? check : reveal);
      }
      return;
    }

    if (rateForm) {
      var claimForm = document.getElementById("claim-form");
      if (claimForm && (key === "r" || key === "R") && !event.shiftKey) {
        event.preventDefault();
        send(claimForm);
        return;
      }
      if (/^[1-4]$/.test(key)) {
        event.preventDefault();
        send(rateForm, rateForm.querySelector('button[data-key="' + key + '"]'));
        return;
      }
      if ((key === " " || key === "Enter") && event.target.tagName !== "BUTTON" && event.target.tagName !== "A") {
        event.preventDefault();
        send(rateForm, rateForm.querySelector("button.proposed"));
      }
    }
  });

  // Tells scripts driving the page (and the browser tests) that the keys work now.
  document.documentElement.dataset.studyKeys = "ready";

  // Back/forward cache: a page shown again must accept keys again.
  window.addEventListener("pageshow", function () { sent = false; });
})();
