// Report form: narrow the procedure and step lists to the chosen service, and show similar
// open reports while the agent types. The form works the same without this script.
(function () {
  "use strict";
  var form = document.getElementById("report-form");
  if (!form) { return; }
  var application = document.getElementById("application");
  var procedure = document.getElementById("procedure");
  var step = document.getElementById("step");
  var title = document.getElementById("title");
  var description = document.getElementById("what_happened");
  var panel = document.getElementById("similaires");
  var section = panel ? panel.closest("[data-similar-url]") : null;
  var csrf = form.querySelector("input[name=csrf_token]");

  function selectedText(select) {
    var option = select.options[select.selectedIndex];
    return option && option.value ? option.text : "";
  }

  function narrow(select, label) {
    if (!select) { return; }
    Array.prototype.forEach.call(select.querySelectorAll("optgroup"), function (group) {
      var visible = !label || group.getAttribute("label") === label;
      group.hidden = !visible;
      group.disabled = !visible;
    });
    var current = select.options[select.selectedIndex];
    if (current && current.parentNode.tagName === "OPTGROUP" && current.parentNode.disabled) {
      select.value = "";
    }
  }

  function refreshLists() {
    var app = selectedText(application);
    narrow(procedure, app);
    var proc = selectedText(procedure);
    // Steps are grouped under "Service — Démarche"; none fit while no procedure is chosen.
    narrow(step, proc ? app + " — " + proc : "-");
  }

  var timer = null;
  function refreshSimilar() {
    if (!section || !application.value || (description.value.length + title.value.length) < 15) { return; }
    var body = new FormData();
    body.append("application", application.value);
    body.append("title", title.value);
    body.append("what_happened", description.value);
    fetch(section.getAttribute("data-similar-url"), {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: {"X-CSRFToken": csrf ? csrf.value : ""}
    }).then(function (response) {
      return response.ok ? response.text() : "";
    }).then(function (html) {
      if (html) { panel.innerHTML = html; }
    }).catch(function () { /* suggestions are a help, not a requirement */ });
  }

  function later() {
    clearTimeout(timer);
    timer = setTimeout(refreshSimilar, 600);
  }

  application.addEventListener("change", function () { refreshLists(); later(); });
  procedure.addEventListener("change", refreshLists);
  title.addEventListener("input", later);
  description.addEventListener("input", later);
  refreshLists();
  later();
})();
