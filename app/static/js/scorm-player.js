/* The player page: scorm-again's run-time (SCORM 1.2 or 2004) lives here, in the site's origin, and
   answers the package's frame through scorm-again's cross-frame messages. Every commit goes to
   Passerelle as JSON with the CSRF token; the attempt's saved data is loaded first, to resume. */
(function () {
  "use strict";
  var frame = document.getElementById("scorm-frame");
  var config = JSON.parse(document.getElementById("scorm-config").textContent);
  var status = document.getElementById("scorm-status");
  var settings = {
    autocommit: true,
    autocommitSeconds: 5,
    lmsCommitUrl: config.commitUrl,
    dataCommitFormat: "json",
    xhrHeaders: { "X-CSRFToken": config.csrfToken },
    terminateCommitParam: "terminate",
    // The final commit is a beacon, which cannot carry the header: the token rides in the body too.
    requestHandler: function (commit) { commit.csrf_token = config.csrfToken; return commit; },
    logLevel: 5
  };
  var api = config.version === "2004" ? new window.Scorm2004API(settings) : new window.Scorm12API(settings);
  if (config.cmi) {
    api.loadFromJSON(config.cmi, "");
    try {
      if (config.version === "2004") { api.cmi.entry = "resume"; } else { api.cmi.core.entry = "resume"; }
    } catch (e) { /* the run-time sets it itself */ }
  }
  // Only the package's own frame may drive the run-time: drop messages from any other window.
  window.addEventListener("message", function (event) {
    if (event.source !== frame.contentWindow) { event.stopImmediatePropagation(); }
  }, true);
  new window.CrossFrameLMS(api, "*");
  ["LMSCommit", "Commit"].forEach(function (name) {
    api.on(name, function () { status.textContent = "Progression enregistrée."; });
  });
  frame.src = config.launchUrl;
  document.getElementById("scorm-player").hidden = false;
})();
