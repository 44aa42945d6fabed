// Keyboard screening: one key per decision and per exclusion reason. No libraries, no inline script (the CSP
// allows only this file). Keys are ignored while typing in the note or the search box; Esc leaves them.
"use strict";
(function () {
  function typing(target) {
    return target && (target.tagName === "TEXTAREA" || target.tagName === "INPUT" || target.isContentEditable);
  }
  function button(selector, key) {
    return document.querySelector(selector + '[data-key="' + key + '"]');
  }
  function chooseReason() {
    var reasons = document.getElementById("reasons");
    if (!reasons) return;
    reasons.classList.add("choosing");
    var first = reasons.querySelector("button");
    if (first) first.focus();
  }
  document.addEventListener("DOMContentLoaded", function () {
    var exclude = document.getElementById("exclude");
    if (exclude) exclude.addEventListener("click", chooseReason);
  });
  var sent = false;  // one decision per page: a second key while the next page loads must not decide again
  document.addEventListener("keydown", function (event) {
    if (sent) { event.preventDefault(); return; }
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (typing(event.target)) {
      if (event.key === "Escape") event.target.blur();
      return;
    }
    var key = event.key.length === 1 ? event.key.toLowerCase() : event.key;
    var form = document.getElementById("decide");
    if (key === "z") {
      var undo = document.getElementById("undo");
      if (undo) { event.preventDefault(); sent = true; undo.submit(); }
      return;
    }
    if (key === "/") {
      var past = document.getElementById("past-link");
      if (past) { event.preventDefault(); window.location.href = past.href; }
      return;
    }
    if (!form) return;
    if (key === "t") { event.preventDefault(); document.getElementById("note").focus(); return; }
    if (key === "e") { event.preventDefault(); chooseReason(); return; }
    var choice = button(".decisions button[type=submit]", key) || button(".reasons button", key);
    if (choice) { event.preventDefault(); sent = true; form.requestSubmit(choice); }
  });
})();
