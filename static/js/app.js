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

// The new password's length against the rule (ASVS 2.1.8): length is what the policy asks for.
document.addEventListener("input", function (event) {
  if (!event.target.matches('input[autocomplete="new-password"]')) {
    return;
  }
  var meter = event.target.form.querySelector("[data-password-meter]");
  var first = event.target.form.querySelector('input[autocomplete="new-password"]');
  if (!meter || event.target !== first) {
    return;
  }
  var length = Array.from(first.value).length;
  var enough = length >= parseInt(meter.dataset.min, 10);
  meter.textContent = (enough ? meter.dataset.enough : meter.dataset.short).replace("{n}", String(length));
  meter.classList.toggle("nv-error", !enough);
});
