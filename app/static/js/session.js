// Warns two minutes before the idle timeout (RGAA 13.1) and lets the person extend the session.
// An enhancement only: without JavaScript the session simply expires and typed forms are kept.
(function () {
  "use strict";
  var body = document.body;
  var timeout = parseInt(body.getAttribute("data-session-timeout") || "0", 10);
  var extendUrl = body.getAttribute("data-session-extend");
  var token = document.querySelector('meta[name="csrf-token"]');
  if (!timeout || !extendUrl || !token) { return; }
  var warningDelay = Math.max(timeout - 120, 10) * 1000;
  var timer = null;
  var box = null;

  function hide() { if (box) { box.remove(); box = null; } }

  function extend() {
    var data = new FormData();
    data.append("csrf_token", token.getAttribute("content"));
    fetch(extendUrl, { method: "POST", body: data, credentials: "same-origin" }).then(function (r) {
      hide();
      if (r.ok) { schedule(); }
    });
  }

  function warn() {
    box = document.createElement("div");
    box.className = "fr-alert fr-alert--warning pas-session-warning";
    box.setAttribute("role", "alertdialog");
    box.setAttribute("aria-live", "assertive");
    var title = document.createElement("h2");
    title.className = "fr-alert__title";
    title.textContent = "Votre session va expirer dans 2 minutes";
    var text = document.createElement("p");
    text.textContent = "Sans action de votre part, vous serez déconnecté(e). Ce que vous avez saisi sera conservé.";
    var button = document.createElement("button");
    button.type = "button";
    button.className = "fr-btn fr-btn--sm fr-mt-1w";
    button.textContent = "Rester connecté(e)";
    button.addEventListener("click", extend);
    box.appendChild(title);
    box.appendChild(text);
    box.appendChild(button);
    document.body.appendChild(box);
    button.focus();
  }

  function schedule() {
    if (timer) { clearTimeout(timer); }
    timer = setTimeout(warn, warningDelay);
  }

  schedule();
})();
