// The portal's few page behaviours, declared in the markup with data attributes: the
// Content-Security-Policy allows no inline handlers (onclick=, onchange=, javascript: links).
(function () {
  "use strict";

  // <form data-confirm="确定…？">: ask before submitting.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
    }
  });

  document.addEventListener("change", function (event) {
    var el = event.target;
    // <select data-autosubmit>: submit its form when the choice changes.
    if (el.hasAttribute("data-autosubmit") && el.form) {
      el.form.submit();
    }
    // <input type="checkbox" data-check-all="selector">: every matching box follows this one.
    if (el.type === "checkbox" && el.hasAttribute("data-check-all")) {
      document.querySelectorAll(el.getAttribute("data-check-all")).forEach(function (box) {
        box.checked = el.checked;
      });
    }
  });

  document.addEventListener("click", function (event) {
    var el = event.target.closest && event.target.closest("button[data-check-all], a[data-history-back]");
    if (!el) {
      return;
    }
    // <button data-check-all="selector">: tick every matching box.
    if (el.tagName === "BUTTON") {
      document.querySelectorAll(el.getAttribute("data-check-all")).forEach(function (box) {
        box.checked = true;
      });
    } else if (window.history.length > 1) {
      // <a href="fallback" data-history-back>: back where the user came from, else the link.
      event.preventDefault();
      window.history.back();
    }
  });
})();
