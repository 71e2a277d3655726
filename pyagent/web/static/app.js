// pyagent: a few lines of progressive enhancement; every page works without them.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  // A reading switched: answer again under it at once (without script: the Answer button).
  document.querySelectorAll("select.reading-toggle").forEach(function (select) {
    select.addEventListener("change", function () {
      var submit = document.getElementById("submit");
      if (submit && document.getElementById("answers")) { submit.click(); }
    });
  });
  // A field with an error gets the focus.
  var bad = document.querySelector("[aria-invalid=true]");
  if (bad) { bad.focus(); }
});
