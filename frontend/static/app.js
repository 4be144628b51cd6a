// Staffroom's only script of its own: say so when an htmx request fails. htmx leaves the
// page as it was on a 5xx or when no answer comes, and a tap that seems to do nothing on
// booking morning is the worst answer of all.
(function () {
  "use strict";
  var POLLERS = ["live", "health"]; // a missed poll is retried by the next one: no message

  function show(text) {
    var box = document.getElementById("messages");
    if (!box) return;
    var banner = document.createElement("p");
    banner.className = "banner warning";
    banner.setAttribute("role", "alert");
    banner.textContent = text;
    box.replaceChildren(banner);
  }

  function fromPoller(event) {
    return POLLERS.indexOf(event.detail.elt && event.detail.elt.id) !== -1;
  }

  // A change (not a GET) that failed on the server's side or got no answer may have been
  // done all the same: never say "nothing was changed" then. The form is left as it was,
  // with its key, so sending it again does it at most once.
  var UNCONFIRMED = "We could not confirm this: it may or may not have been done. " +
    "Check the page before trying again.";

  function isChange(event) {
    var config = event.detail.requestConfig;
    return !config || String(config.verb).toLowerCase() !== "get";
  }

  document.addEventListener("htmx:responseError", function (event) {
    if (fromPoller(event)) return;
    var status = event.detail.xhr.status;
    if (status === 403) {
      show("This page has expired or you may not do that: reload the page and try again.");
    } else if (status >= 500 && isChange(event)) {
      show(UNCONFIRMED + " (Error " + status + ".)");
    } else if (status >= 500) {
      show("That did not load (error " + status + "). Please try again in a moment.");
    } else {
      show("That did not work (error " + status + "): nothing was changed. Please try again in a moment.");
    }
  });

  document.addEventListener("htmx:sendError", function (event) {
    if (fromPoller(event)) return;
    if (isChange(event)) {
      show("No answer from Staffroom. " + UNCONFIRMED);
    } else {
      show("No answer from Staffroom: check your connection and try again.");
    }
  });
})();
