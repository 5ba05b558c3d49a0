// Behaviour every page shares, without inline scripts (the Content-Security-Policy
// allows scripts from this site only).
(function () {
  // A select marked data-autosubmit sends its form when changed (the problem filters).
  document.addEventListener("change", function (event) {
    var field = event.target;
    if (field.matches && field.matches("[data-autosubmit]") && field.form) field.form.submit();
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
