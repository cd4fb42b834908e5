// The deep-linking return: send the signed link back to the platform at once.
// Without JavaScript the visible button does the same.
document.querySelectorAll("form[data-autosubmit]").forEach((form) => form.submit());

// Dynamic registration done: tell the platform's page to close its dialog (LTI spec).
if (document.querySelector("[data-lti-close]")) {
  (window.opener || window.parent).postMessage({ subject: "org.imsglobal.lti.close" }, "*");
}
