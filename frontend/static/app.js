// Staffroom's only script of its own: say so when an htmx request fails. htmx leaves the
// page as it was on a 5xx or when no answer comes, and a tap that seems to do nothing on
// booking morning is the worst answer of all.
(function () {
  "use strict";
  var POLLERS = ["live", "health"]; // a missed poll is retried by the next one: no message

  // Said where the person is looking: at the card that was tapped, when there is one
  // (#messages then only speaks, to screen readers); else in #messages, shown.
  function say(text, elt) {
    var box = document.getElementById("messages");
    var card = elt && elt.closest ? elt.closest(".session") : null;
    var said = card ? card.querySelector(".said") : null;
    if (said) {
      said.className = "said said-warning";
      said.textContent = text;
    }
    if (!box) return;
    box.classList.toggle("shown", !said);
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

  // A refusal (4xx) or a fault (502, 503, 504) from the frontend comes with its own
  // sentence, shaped as a banner for #messages (frontend/errors.py; a fault's sentences are
  // events/unknown_outcome.py's, "nothing was done" only when nothing was sent, and "it is
  // done" when it was): show that. A 500 (a bug) to a change says the same of it: "it may
  // have been done", or "it is done" when it was. A 500 to a read, and anything else (a
  // proxy's page, an empty answer), keeps the sentences here, which never say more than is
  // known.
  function refusalSaid(xhr, change) {
    if ((xhr.status === 500 && !change) || xhr.status > 504) return null;
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

  function failed(event) {
    var status = event.detail.xhr.status;
    var said = refusalSaid(event.detail.xhr, isChange(event));
    if (said) return said;
    if (status === 403) {
      return "This page has expired or you may not do that: reload the page and try again.";
    }
    if (status >= 500 && isChange(event)) return UNCONFIRMED + " (Error " + status + ".)";
    if (status >= 500) return "That did not load (error " + status + "). Please try again in a moment.";
    return "That did not work (error " + status + "): nothing was changed. Please try again in a moment.";
  }

  document.addEventListener("htmx:responseError", function (event) {
    if (fromPoller(event)) return;
    say(failed(event), event.detail.elt);
  });

  document.addEventListener("htmx:sendError", function (event) {
    if (fromPoller(event)) return;
    var text = isChange(event) ? "No answer from Staffroom. " + UNCONFIRMED
      : "No answer from Staffroom: check your connection and try again.";
    say(text, event.detail.elt);
  });

  // An answer that speaks through #messages shows itself at its card: #messages, shown for
  // an earlier message that belonged to no card, goes back to only speaking.
  document.addEventListener("htmx:oobAfterSwap", function (event) {
    var target = event.detail.target;
    // A write not shown yet (frontend/not_shown_yet.py) belongs to no card: shown.
    if (target && target.id === "messages") {
      target.classList.toggle("shown", !!target.querySelector(".not-shown-yet"));
    }
  });

  // Another person's booking swaps whole cards and slots in (the live poll, a tap's answer):
  // what the person had open there (a cancel to confirm, "Book someone here" with an
  // address half typed) stays open, and what they typed stays, instead of closing under
  // their finger. Kept by id, put back once the new content is in; not the one whose own
  // form was just sent (its answer says what happened).
  var kept = { open: [], typed: {}, sentFrom: null };

  function keepWhatIsOpen(event) {
    var target = event.detail.target;
    if (!target || !target.querySelectorAll) return;
    target.querySelectorAll("details[open][id]").forEach(function (details) {
      if (kept.sentFrom && details.contains(kept.sentFrom)) return;
      kept.open.push(details.id);
      details.querySelectorAll("input[id]:not([type=hidden])").forEach(function (input) {
        if (input.value) kept.typed[input.id] = input.value;
      });
    });
  }

  function putBackWhatWasOpen() {
    kept.open.forEach(function (id) {
      var details = document.getElementById(id);
      if (details && details.tagName === "DETAILS") details.open = true;
    });
    Object.keys(kept.typed).forEach(function (id) {
      var input = document.getElementById(id);
      if (input && !input.value) input.value = kept.typed[id];
    });
    kept = { open: [], typed: {}, sentFrom: null };
  }

  document.addEventListener("htmx:beforeRequest", function (event) {
    if (!fromPoller(event)) kept.sentFrom = event.detail.elt;
  });
  document.addEventListener("htmx:beforeSwap", keepWhatIsOpen);
  document.addEventListener("htmx:oobBeforeSwap", keepWhatIsOpen);
  document.addEventListener("htmx:afterSettle", putBackWhatWasOpen);

  // Back to a page htmx keeps in its history: the snapshot is the page's HTML, which holds
  // the values fields were drawn with, not what the person typed, ticked or chose since (a
  // filter set, then a result opened, then back: the filter was gone, its results not).
  // Each field's current value is written into its markup just before the snapshot.
  document.addEventListener("htmx:beforeHistorySave", function (event) {
    var root = event.detail.historyElt || document.body;
    root.querySelectorAll("input, textarea, select").forEach(function (field) {
      if (field.tagName === "SELECT") {
        field.querySelectorAll("option").forEach(function (option) {
          option.toggleAttribute("selected", option.selected);
        });
      } else if (field.tagName === "TEXTAREA") {
        field.textContent = field.value;
      } else if (field.type === "checkbox" || field.type === "radio") {
        field.toggleAttribute("checked", field.checked);
      } else if (["hidden", "password", "file"].indexOf(field.type) === -1) {
        field.setAttribute("value", field.value);
      }
    });
  });

  // A search box searches as the person types (its form's "input changed delay:…" trigger)
  // and on Enter (submit); its "change", when focus leaves it, searched again for what is
  // already shown: a flicker, the scroll lost, a result being tapped replaced. A form's
  // "change" trigger is for its selects and boxes to tick, so a search box's stops here.
  document.addEventListener("change", function (event) {
    var field = event.target;
    if (field.matches && field.matches("input[type=search]")) event.stopPropagation();
  }, true);

  // A calendar address copied with one tap (the button is there only with this script).
  function copied(button) {
    var field = document.getElementById(button.getAttribute("data-copy"));
    var status = document.getElementById(button.getAttribute("data-copy-status"));
    if (!field) return;
    var done = function () { if (status) status.textContent = "Copied: paste it into your calendar app."; };
    var selectIt = function () {
      field.focus();
      field.select();
      if (status) status.textContent = "Selected: copy it with your device's Copy.";
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(field.value).then(done, selectIt);
    } else {
      selectIt();
    }
  }

  function offerCopying(root) {
    (root.querySelectorAll ? root : document).querySelectorAll("button[data-copy]").forEach(function (button) {
      button.hidden = false;
    });
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("button[data-copy]");
    if (button) copied(button);
  });
  document.addEventListener("DOMContentLoaded", function () { offerCopying(document); });
  document.addEventListener("htmx:load", function (event) { offerCopying(event.detail.elt); });

  // hx-swap="morph:innerHTML" or "morph:outerHTML" (with hx-ext="morph"): the lists redrawn
  // as a person types keep each element whose id stays (idiomorph), so a result pressed as
  // the answer comes is not replaced under the pointer and the click lost. Every other swap,
  // out of band ones included, stays htmx's own (idiomorph's own htmx extension takes an
  // out-of-band innerHTML swap for an outerHTML one: idiomorph issue 148).
  function morphStyle(swap) {
    return { "morph:innerHTML": "innerHTML", "morph:outerHTML": "outerHTML" }[swap] || null;
  }
  if (window.htmx && window.Idiomorph) {
    htmx.defineExtension("morph", {
      isInlineSwap: function (swap) { return morphStyle(swap) === "outerHTML"; },
      handleSwap: function (swap, target, fragment) {
        var style = morphStyle(swap);
        return style ? Idiomorph.morph(target, fragment.children, { morphStyle: style }) : false;
      },
    });
  }
})();
