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

// "Hiện mật khẩu": show the form's password fields while typing them (ASVS 2.1.12).
document.addEventListener("change", function (event) {
  if (event.target.matches("[data-show-passwords]")) {
    event.target.form.querySelectorAll('input[autocomplete$="password"]').forEach(function (input) {
      input.type = event.target.checked ? "text" : "password";
    });
  }
});
