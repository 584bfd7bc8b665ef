// Triage board: j / k move to the next / previous report, Enter opens it (the focused link).
// A progressive enhancement: without this script every row's link is reached with Tab. Each person can
// turn these single-key shortcuts off (WCAG 2.1.4); they never act while typing in a field.
(function () {
  "use strict";
  var table = document.getElementById("board-table");
  if (!table || table.getAttribute("data-shortcuts") !== "on") { return; }
  var links = Array.prototype.map.call(table.querySelectorAll("tbody tr"), function (row) {
    return row.querySelector("a[href]");
  }).filter(Boolean);
  if (!links.length) { return; }

  function typing(target) {
    var tag = target && target.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || (target && target.isContentEditable);
  }

  function move(step) {
    var current = links.indexOf(document.activeElement);
    var next = current === -1 ? (step > 0 ? 0 : links.length - 1) : current + step;
    if (next < 0 || next >= links.length) { return; }
    links.forEach(function (link) { link.closest("tr").classList.remove("pas-row--current"); });
    links[next].closest("tr").classList.add("pas-row--current");
    links[next].focus();
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) { return; }
    if (event.key === "j") { event.preventDefault(); move(1); }
    else if (event.key === "k") { event.preventDefault(); move(-1); }
  });
})();
