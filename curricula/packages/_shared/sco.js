/* A one-page SCO: a « fiche réflexe », then a three-question check. SCORM 1.2 or 2004 (data-scorm).
   It saves where the learner is (location, suspend_data) after each step, so it resumes. */
(function () {
  "use strict";
  var body = document.body;
  var v2004 = body.getAttribute("data-scorm") === "2004";
  var mastery = parseInt(body.getAttribute("data-mastery") || "67", 10);

  function findApi(win) {
    var name = v2004 ? "API_1484_11" : "API";
    for (var i = 0; win && i < 10; i++) {
      try { if (win[name]) { return win[name]; } } catch (e) { /* another origin */ }
      if (win.parent === win) { break; }
      win = win.parent;
    }
    return null;
  }
  var api = findApi(window);
  function call(name12, name2004, args) {
    if (!api) { return ""; }
    var fn = api[v2004 ? name2004 : name12];
    return fn.apply(api, args || []);
  }
  function get(key12, key2004) { return String(call("LMSGetValue", "GetValue", [v2004 ? key2004 : key12]) || ""); }
  function set(key12, key2004, value) {
    var key = v2004 ? key2004 : key12;
    if (key) { call("LMSSetValue", "SetValue", [key, String(value)]); }
  }
  function commit() { call("LMSCommit", "Commit", [""]); }

  var screens = Array.prototype.slice.call(document.querySelectorAll("[data-screen]"));
  var questions = Array.prototype.slice.call(document.querySelectorAll("[data-question]"));
  var state = { screen: 0, answers: {} };
  var finished = false;

  function show(index) {
    state.screen = index;
    screens.forEach(function (screen, i) { screen.hidden = i !== index; });
    var heading = screens[index].querySelector("h2");
    if (heading) { heading.setAttribute("tabindex", "-1"); heading.focus(); }
  }
  function save() {
    set("cmi.core.lesson_location", "cmi.location", String(state.screen));
    set("cmi.suspend_data", "cmi.suspend_data", JSON.stringify(state));
    if (!finished) {
      if (v2004) { set("", "cmi.completion_status", "incomplete"); } else { set("cmi.core.lesson_status", "", "incomplete"); }
      set("cmi.core.exit", "cmi.exit", "suspend");
    }
    commit();
  }
  function restore() {
    var raw = get("cmi.suspend_data", "cmi.suspend_data");
    if (!raw) { return false; }
    try { state = JSON.parse(raw); } catch (e) { return false; }
    questions.forEach(function (q) {
      var chosen = state.answers[q.getAttribute("data-question")];
      if (chosen) {
        var input = q.querySelector('input[value="' + chosen + '"]');
        if (input) { input.checked = true; }
      }
    });
    return true;
  }
  function record(q, index) {
    var id = q.getAttribute("data-question");
    var input = q.querySelector("input:checked");
    var error = q.querySelector("[data-error]");
    if (!input) { error.hidden = false; return false; }
    error.hidden = true;
    state.answers[id] = input.value;
    var right = input.value === q.getAttribute("data-answer");
    var base = "cmi.interactions." + index + ".";
    set(base + "id", base + "id", id);
    set(base + "type", base + "type", "choice");
    set(base + "student_response", base + "learner_response", input.value);
    set(base + "result", base + "result", right ? "correct" : (v2004 ? "incorrect" : "wrong"));
    return true;
  }
  function finish() {
    var right = 0;
    questions.forEach(function (q) {
      if (state.answers[q.getAttribute("data-question")] === q.getAttribute("data-answer")) { right += 1; }
    });
    var score = Math.round(100 * right / questions.length);
    var passed = score >= mastery;
    finished = true;
    set("cmi.core.score.raw", "cmi.score.raw", score);
    set("cmi.core.score.min", "cmi.score.min", 0);
    set("cmi.core.score.max", "cmi.score.max", 100);
    if (v2004) {
      set("", "cmi.score.scaled", (score / 100).toFixed(2));
      set("", "cmi.completion_status", "completed");
      set("", "cmi.success_status", passed ? "passed" : "failed");
    } else {
      set("cmi.core.lesson_status", "", passed ? "passed" : "failed");
    }
    set("cmi.core.exit", "cmi.exit", passed ? "" : "suspend");
    document.querySelector("[data-score]").textContent = score + " %";
    document.querySelector("[data-verdict]").textContent = passed
      ? "Réussi : vous maîtrisez cette fiche réflexe."
      : "Pas encore : relisez la fiche et recommencez le questionnaire.";
    if (!passed) { state.answers = {}; }
    show(screens.length - 1);
    set("cmi.core.lesson_location", "cmi.location", passed ? String(screens.length - 1) : "0");
    set("cmi.suspend_data", "cmi.suspend_data", passed ? JSON.stringify(state) : "");
    commit();
    call("LMSFinish", "Terminate", [""]);
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-next]");
    if (!button) { return; }
    var screen = screens[state.screen];
    var q = screen.querySelector("[data-question]");
    if (q && !record(q, questions.indexOf(q))) { return; }
    if (button.hasAttribute("data-finish")) { finish(); return; }
    show(state.screen + 1);
    save();
  });

  function start() {
    call("LMSInitialize", "Initialize", [""]);
    var status = v2004 ? get("", "cmi.completion_status") : get("cmi.core.lesson_status", "");
    var resumed = restore();
    if (status === "passed" || status === "completed") { finished = true; }
    show(resumed ? Math.min(state.screen, screens.length - 1) : 0);
    document.querySelector("[data-ready]").hidden = false;
    if (!resumed) { save(); }
  }
  // The run-time answers across frames: give it a moment to fill its cache before reading.
  window.setTimeout(start, 50);
})();
