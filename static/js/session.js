// The idle timeout of a signed-in page (core/sessions.py). Typing, clicking or scrolling counts as
// activity and is told to the server at most once a minute; before the session would end, a banner
// says so and "Tiếp tục làm việc" keeps it; when the server says it has ended, the page goes to the
// sign-in form with the reason. The server decides: the page only asks it, and asking is not activity.
(function () {
  "use strict";
  var body = document.body;
  var idle = parseInt(body.dataset.sessionIdle || "0", 10) * 1000;
  if (!idle) {
    return;
  }
  var warning = parseInt(body.dataset.sessionWarning || "120", 10) * 1000;
  // The server notes activity at most this often, so its clock may be that much behind the page's.
  var resolution = parseInt(body.dataset.sessionResolution || "60", 10) * 1000;
  var box = document.querySelector("[data-testid=session-warning]");
  var countdown = box ? box.querySelector("[data-session-countdown]") : null;
  var lastSeen = Date.now(); // the server answered this page just now
  var lastPing = Date.now();
  var asking = false;

  function seen(at) {
    lastSeen = at;
    if (box) {
      box.hidden = true;
    }
  }

  function signIn(reason) {
    var next = window.location.pathname + window.location.search;
    window.location.assign(
      body.dataset.sessionLogin + "?next=" + encodeURIComponent(next) + "&expired=" + encodeURIComponent(reason)
    );
  }

  function ping() {
    lastPing = Date.now();
    fetch(body.dataset.sessionKeepalive, { credentials: "same-origin", redirect: "manual" }).then(function (r) {
      if (r.status === 204) {
        seen(Date.now());
      } else if (r.status === 200) {
        r.json().then(function (state) { signIn(state.expired); }); // it had already ended
      } else {
        ask();
      }
    });
  }

  function ask() {
    if (asking) {
      return;
    }
    asking = true;
    fetch(body.dataset.sessionStatus, { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (state) {
        asking = false;
        if (state.expired !== undefined) {
          signIn(state.expired === "signed_out" ? "" : state.expired);
        } else {
          seen(Date.now() - (idle - state.idle_left * 1000));
        }
      })
      .catch(function () { asking = false; });
  }

  ["keydown", "input", "pointerdown", "wheel"].forEach(function (type) {
    document.addEventListener(type, function () {
      if (Date.now() - lastPing > resolution) {
        ping();
      }
    }, { passive: true });
  });
  document.addEventListener("htmx:afterRequest", function () { seen(Date.now()); });
  if (box) {
    box.querySelector("[data-session-continue]").addEventListener("click", ping);
  }

  setInterval(function () {
    var elapsed = Date.now() - lastSeen;
    if (elapsed >= idle) {
      ask(); // past its end by this page's clock: the server says whether it is
      return;
    }
    var left = idle - resolution - elapsed;
    if (box && left <= warning) {
      var seconds = Math.max(0, Math.round(left / 1000));
      countdown.textContent = Math.floor(seconds / 60) + ":" + String(seconds % 60).padStart(2, "0");
      box.hidden = false;
    }
  }, 1000);
})();
