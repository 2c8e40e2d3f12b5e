// Quiz pages, improved where JavaScript runs (everything works without it).
//
// 1. After a submit the server sends the learner to "#step-status" (what happened to their answers) or
//    "#messages": that element takes the keyboard focus, so a screen reader reads it and the next Tab
//    carries on from there, not from the top of the page.
// 2. Leaving a step with answers changed but not submitted asks first.
(function () {
  "use strict";

  function focusTarget() {
    var id = window.location.hash.slice(1);
    if (id !== "step-status" && id !== "messages") return;
    var target = document.getElementById(id);
    if (!target) return;
    target.focus({ preventScroll: true });
    target.scrollIntoView({ block: "center", behavior: "instant" });
  }

  function guardUnsentAnswers() {
    var form = document.querySelector("form.step-form");
    if (!form) return;
    var changed = false;
    form.addEventListener("change", function () { changed = true; });
    form.addEventListener("input", function () { changed = true; });
    form.addEventListener("submit", function () { changed = false; });
    // Marks placed on a hotspot image change hidden inputs, which fire no event: hotspot.js says so.
    form.addEventListener("hotspot:marked", function () { changed = true; });
    window.addEventListener("beforeunload", function (event) {
      if (!changed) return;
      event.preventDefault();
      event.returnValue = "";
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { focusTarget(); guardUnsentAnswers(); });
  } else {
    focusTarget();
    guardUnsentAnswers();
  }
})();
