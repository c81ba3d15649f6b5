/* The CRM's own script: no inline scripts anywhere (the Content-Security-Policy forbids them). */
(function () {
  "use strict";

  // Confirm dangerous actions: <form data-confirm="…"> or <button data-confirm="…">.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var message = form.getAttribute("data-confirm");
    var submitter = event.submitter;
    if (submitter && submitter.getAttribute("data-confirm")) { message = submitter.getAttribute("data-confirm"); }
    if (message && !window.confirm(message)) { event.preventDefault(); }
  }, true);

  // Auto-submit filter forms when a select changes: <form data-autosubmit>.
  document.addEventListener("change", function (event) {
    var form = event.target.form;
    if (form && form.hasAttribute("data-autosubmit") && event.target.tagName === "SELECT") { form.requestSubmit(); }
  });

  // htmx: show server errors as an alert instead of failing silently.
  document.addEventListener("htmx:responseError", function (event) {
    var status = event.detail.xhr.status;
    var box = document.getElementById("messages") || document.getElementById("main");
    if (!box) { return; }
    var alert = document.createElement("div");
    alert.className = "alert alert-danger";
    alert.setAttribute("role", "alert");
    alert.textContent = (document.documentElement.lang === "en" ? "Request failed: " : "请求失败：") + status;
    box.prepend(alert);
  });
})();

document.addEventListener("alpine:init", function () {
  // A toggle usable from markup under Alpine's CSP build: x-data="toggle".
  window.Alpine.data("toggle", function () {
    return {
      open: false,
      flip: function () { this.open = !this.open; },
    };
  });
});
