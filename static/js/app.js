// Submit the language switcher as soon as a language is picked (no inline handlers: CSP).
document.addEventListener("change", function (event) {
  if (event.target.matches("[data-autosubmit]")) {
    event.target.form.submit();
  }
});

// A select whose options are URLs: go there when one is picked (the period switcher).
document.addEventListener("change", function (event) {
  if (event.target.matches("select[data-navigate]")) {
    window.location.assign(event.target.value);
  }
});
