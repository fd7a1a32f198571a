// newsprism: small, dependency-free helpers; every page works without them.
"use strict";
(function () {
  // A link to a cited span (#c-START-END) brings the highlighted passage into view and focus.
  function focusCitation() {
    var target = location.hash && document.getElementById(location.hash.slice(1));
    if (target && target.tagName === "MARK") {
      target.scrollIntoView({ block: "center" });
      target.focus({ preventScroll: true });
    }
  }
  window.addEventListener("hashchange", focusCitation);
  document.addEventListener("DOMContentLoaded", focusCitation);
})();
