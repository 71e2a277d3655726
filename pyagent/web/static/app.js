// pyagent: a few lines of progressive enhancement; every page works without them.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  var form = document.getElementById("case-form");
  // A reading switched: answer again under it at once (without script: the Answer button).
  document.querySelectorAll("select.reading-toggle").forEach(function (select) {
    select.addEventListener("change", function () {
      var submit = document.getElementById("submit");
      if (submit && document.getElementById("answers")) { submit.click(); }
    });
  });
  // Which answers flip under each reading: fetched after the page shows (without script: a button).
  var button = document.getElementById("show-flips");
  if (form && button && document.getElementById("answers")) {
    fetch("/person/flips", { method: "POST", body: new FormData(form) })
      .then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
      .then(function (text) {
        var doc = new DOMParser().parseFromString(text, "text/html");
        doc.querySelectorAll("#flips-data .flip").forEach(function (flip) {
          var cell = document.getElementById("flips-" + flip.dataset.reading);
          if (cell) { cell.appendChild(document.importNode(flip, true)); }
        });
        button.hidden = true;
      })
      .catch(function () { /* the button stays */ });
  }
  // A field with an error gets the focus.
  var bad = document.querySelector("[aria-invalid=true]");
  if (bad) { bad.focus(); }
});
