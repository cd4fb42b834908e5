// The deep-linking return: send the signed link back to the platform at once.
// Without JavaScript the visible button does the same.
document.querySelectorAll("form[data-autosubmit]").forEach((form) => form.submit());
