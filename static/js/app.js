// Submit the language switcher as soon as a language is picked (no inline handlers: CSP).
document.addEventListener("change", function (event) {
  if (event.target.matches("[data-autosubmit]")) {
    event.target.form.submit();
  }
});
