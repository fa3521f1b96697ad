// Keyboard shortcuts of the review page. Served from here, as the Content-Security-Policy
// demands (script-src 'self', nothing inline). A decision key only chooses the decision and
// puts the cursor in the reason box: the moderator still writes why and submits themselves.
(function () {
  "use strict";

  function typing(target) {
    if (!target || !target.tagName) {
      return false;
    }
    var tag = target.tagName.toLowerCase();
    return tag === "input" || tag === "textarea" || tag === "select" || target.isContentEditable;
  }

  function toggleHelp() {
    var help = document.getElementById("shortcut-help");
    if (help) {
      help.open = !help.open;
      if (help.open) {
        help.scrollIntoView({block: "nearest"});
      }
    }
  }

  function use(element) {
    if (element.tagName.toLowerCase() === "form") {
      element.requestSubmit();
      return;
    }
    element.checked = true;
    var reason = document.getElementById("reason");
    if (reason) {
      reason.focus();
    }
  }

  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) {
      return;
    }
    if (typing(event.target)) {
      return;
    }
    if (event.key === "?") {
      event.preventDefault();
      toggleHelp();
      return;
    }
    var element = document.querySelector('[data-shortcut="' + CSS.escape(event.key) + '"]');
    if (element) {
      event.preventDefault();
      use(element);
    }
  });
})();
