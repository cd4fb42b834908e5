// Quiz page niceties. The server grades and enforces the time limit; this only helps.
(function () {
  "use strict";
  var form = document.getElementById("answer-form");
  if (!form) return;

  // Countdown from the seconds the server says are left; at zero, send what is there
  // (the server decides whether it still counts).
  var box = document.getElementById("countdown");
  var value = box && box.querySelector(".countdown-value");
  if (box && value) {
    var left = parseInt(box.dataset.secondsLeft, 10);
    var end = Date.now() + left * 1000;
    var timer = window.setInterval(function () {
      var remaining = Math.max(0, Math.ceil((end - Date.now()) / 1000));
      value.textContent = String(remaining);
      if (remaining <= 5) box.classList.add("low");
      if (remaining === 0) {
        window.clearInterval(timer);
        box.textContent = "Time is up.";
        form.submit(); // skips the "choose an option" check on purpose
      }
    }, 250);
  }

  // Keys 1-9 pick an option when the focus is not in a field that takes them (a typed
  // answer, an estimate's number box, an order question's place selects).
  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    var target = event.target;
    var tag = target && target.tagName;
    if (tag === "TEXTAREA" || tag === "SELECT") return;
    if (tag === "INPUT" && target.type !== "radio" && target.type !== "checkbox") return;
    var n = parseInt(event.key, 10);
    if (!(n >= 1 && n <= 9)) return;
    var options = form.querySelectorAll(
      "input[name=answer][type=radio], input[name=answer][type=checkbox]"
    );
    var option = options[n - 1];
    if (!option) return;
    event.preventDefault();
    option.checked = option.type === "checkbox" ? !option.checked : true;
    option.focus();
  });
})();
