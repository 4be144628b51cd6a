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

  // A refusal (4xx) from the frontend comes with its own sentence, shaped as a banner for
  // #messages (frontend/errors.py): show that. A 5xx keeps the sentences here, which never
  // say more than is known; so does anything else (a proxy's page, an empty answer).
  function refusalSaid(xhr) {
    if (xhr.status >= 500) return null;
    if ((xhr.getResponseHeader("Content-Type") || "").indexOf("text/html") !== 0) return null;
    var answer = document.createElement("template");
    answer.innerHTML = xhr.responseText;
    var banner = answer.content.firstElementChild;
    if (answer.content.childElementCount !== 1 || !banner.matches("p.banner[role=alert]")) {
      return null;
    }
    return banner.textContent;
  }

  function isChange(event) {
    var config = event.detail.requestConfig;
    return !config || String(config.verb).toLowerCase() !== "get";
  }

  document.addEventListener("htmx:responseError", function (event) {
    if (fromPoller(event)) return;
    var status = event.detail.xhr.status;
    var said = refusalSaid(event.detail.xhr);
    if (said) {
      show(said);
    } else if (status === 403) {
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
