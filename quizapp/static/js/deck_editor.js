// The fact form: show the answer fields of the chosen relation, and preview the
// questions as the author types. Without this script the form works the same,
// with a "Preview questions" button rendered by the server.
(function () {
  "use strict";
  var form = document.getElementById("fact-form");
  if (!form) return;
  var relations = JSON.parse(form.dataset.relations || "{}");
  var relationSelect = form.querySelector("select[name=relation]");
  var output = document.getElementById("preview");
  var entityTypes = ["person", "company", "organisation", "product", "place", "group", "concept"];

  function showValueFields() {
    var relation = relations[relationSelect.value];
    var kind = relation ? relation.value : null;
    var group = entityTypes.indexOf(kind) >= 0 ? "entity" : kind;
    form.querySelectorAll(".value-group").forEach(function (fieldset) {
      fieldset.hidden = !!group && fieldset.dataset.kinds.split(" ").indexOf(group) < 0;
    });
    var number = form.querySelector(".value-number");
    var money = form.querySelector(".value-money");
    if (number) number.hidden = kind === "money";
    if (money) money.hidden = kind === "number";
  }

  function element(tag, text, className) {
    var node = document.createElement(tag);
    if (text !== undefined) node.textContent = text;  // never innerHTML: texts are user data
    if (className) node.className = className;
    return node;
  }

  function render(data) {
    output.replaceChildren();
    (data.problems || []).forEach(function (problem) {
      output.appendChild(element("p", problem, "flash flash-error"));
    });
    (data.warnings || []).forEach(function (warning) {
      output.appendChild(element("p", warning, "flash flash-warning"));
    });
    var list = element("ol", undefined, "previews");
    (data.questions || []).forEach(function (q) {
      var item = element("li", undefined, "card question-preview");
      item.appendChild(element("p", q.kind, "badge"));
      item.appendChild(element("p", q.prompt, "prompt"));
      if (q.choices.length) {
        var choices = element("ul", undefined, "choices-preview");
        q.choices.forEach(function (choice) {
          var li = element("li");
          if (q.correct.indexOf(choice) >= 0) li.appendChild(element("strong", "✓ " + choice, "ok"));
          else li.textContent = choice;
          choices.appendChild(li);
        });
        item.appendChild(choices);
      } else {
        var answer = element("p", "Answer: ");
        answer.appendChild(element("strong", q.answer));
        item.appendChild(answer);
      }
      if (q.warning) item.appendChild(element("p", q.warning, "flash flash-warning"));
      if (q.verdict) {
        var said = "“" + q.verdict.answer + "”: " + (q.verdict.correct ? "accepted" : "not accepted");
        item.appendChild(element("p", said, "verdict " + (q.verdict.correct ? "ok" : "wrong")));
      }
      list.appendChild(item);
    });
    if (list.children.length) output.appendChild(list);
    if (data.dropped && data.dropped.length) {
      output.appendChild(element("h3", "Not generated"));
      var dropped = element("ul");
      data.dropped.forEach(function (d) {
        var li = element("li", undefined, "dropped");
        li.appendChild(element("strong", d.kind));
        li.appendChild(document.createTextNode(": " + d.reason));
        dropped.appendChild(li);
      });
      output.appendChild(dropped);
    }
  }

  var timer = null;
  var sent = 0;
  function requestPreview() {
    var body = new FormData(form);
    body.delete("submit");
    body.delete("then");
    body.delete("picture"); // the preview needs no picture: don't send it at every keystroke
    var token = form.querySelector("input[name=csrf_token]");
    var number = ++sent;
    fetch(form.dataset.previewUrl, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "Accept": "application/json", "X-CSRFToken": token ? token.value : "" }
    })
      .then(function (response) { return response.json(); })
      .then(function (data) { if (number === sent) render(data); })
      .catch(function () { /* the server-side Preview button still works */ });
  }
  function schedule() {
    window.clearTimeout(timer);
    timer = window.setTimeout(requestPreview, 400);
  }

  relationSelect.addEventListener("change", showValueFields);
  form.addEventListener("input", schedule);
  form.addEventListener("change", schedule);
  // "Try an answer" sits in the preview panel, outside the form (form="fact-form")
  var tried = document.getElementById("try_answer");
  if (tried) tried.addEventListener("input", schedule);
  showValueFields();
})();
