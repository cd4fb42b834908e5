// Classes: ask before a form that can't be undone (remove a student, renew the code).
// Without JavaScript the forms still work; they just don't ask.
"use strict";
document.addEventListener("submit", (event) => {
  const form = event.target;
  const question = form instanceof HTMLFormElement ? form.dataset.confirm : undefined;
  if (question && !window.confirm(question)) {
    event.preventDefault();
  }
});
