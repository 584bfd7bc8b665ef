/* Loaded first in every page of a SCORM package (sandboxed frame, opaque origin): the SCORM API the
   package looks for (window.API for 1.2, window.API_1484_11 for 2004) is scorm-again's cross-frame
   client, which posts each call to the player page. Its cache starts with the attempt's saved data,
   so a package that reads its bookmark right after Initialize resumes where the learner left. */
(function () {
  "use strict";
  var me = document.currentScript;
  var api = new window.CrossFrameAPI(me.getAttribute("data-parent-origin"));
  try {
    var saved = JSON.parse(me.getAttribute("data-cmi") || "{}");
    Object.keys(saved).forEach(function (key) { api._cache.set(key, String(saved[key])); });
  } catch (e) { /* no saved data: a first launch */ }
  window.API = api;
  window.API_1484_11 = api;
})();
