// Behaviour every page shares, without inline scripts (the Content-Security-Policy
// allows scripts from this site only).
(function () {
  // A select marked data-autosubmit sends its form when changed (the problem filters).
  document.addEventListener("change", function (event) {
    var field = event.target;
    if (field.matches && field.matches("[data-autosubmit]") && field.form) field.form.submit();
  });
  // The menu of a phone: one button opens and closes it (the header is otherwise a page).
  document.addEventListener("click", function (event) {
    var toggle = event.target.closest && event.target.closest(".menu-toggle");
    if (!toggle) return;
    var open = toggle.getAttribute("aria-expanded") !== "true";
    toggle.setAttribute("aria-expanded", String(open));
    toggle.closest(".topbar").classList.toggle("menu-open", open);
  });
  // The filters of a list fold away on a phone unless some are set (the list comes first).
  document.addEventListener("DOMContentLoaded", function () {
    if (!window.matchMedia("(max-width: 640px)").matches) return;
    document.querySelectorAll("details.filterbox[data-fold-on-phone]").forEach(function (box) {
      box.open = false;
    });
  });
  // A form sent once: its buttons are disabled right after the browser has read them, so
  // a double click does not send it twice (the server refuses a repeat all the same).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.method.toLowerCase() !== "post" || form.hasAttribute("hx-post")) return;
    window.setTimeout(function () {
      form.querySelectorAll("button[type=submit], button:not([type])").forEach(function (b) {
        b.disabled = true;
      });
    }, 0);
  });
})();
