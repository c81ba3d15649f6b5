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
  // A dialog form saved (the server sent HX-Trigger {"crm:saved": {"message": "…"}}): close the
  // dialog, say so, and let sections listening for "crm:saved from:body" reload themselves.
  // Bootstrap ignores hide() while the dialog is still fading in (a quick save on a slow machine
  // left it open with its backdrop): close it once it has opened.
  var opening = false;
  document.addEventListener("show.bs.modal", function () { opening = true; });
  document.addEventListener("shown.bs.modal", function () { opening = false; });
  function closeDialog(modal) {
    var dialog = window.bootstrap.Modal.getOrCreateInstance(modal);
    if (opening) {
      modal.addEventListener("shown.bs.modal", function () { dialog.hide(); }, { once: true });
    } else {
      dialog.hide();
    }
  }
  document.body.addEventListener("crm:saved", function (event) {
    var modal = document.getElementById("app-modal");
    if (modal && window.bootstrap) { closeDialog(modal); }
    var message = event.detail && event.detail.message;
    if (message) { showMessage(message, "success"); }
  });

  // A step the server refused (HX-Trigger {"crm:refused": {"message": "…"}}): say why; views that
  // listen for "crm:refused from:body" (a board after a drop) reload to show things as they are.
  document.body.addEventListener("crm:refused", function (event) {
    var message = event.detail && event.detail.message;
    if (message) { showMessage(message, "danger"); }
  });

  // The server put a dialog into the shared modal on its own (HX-Trigger-After-Swap crm:show-dialog).
  document.body.addEventListener("crm:show-dialog", function () {
    var modal = document.getElementById("app-modal");
    if (modal && window.bootstrap) { window.bootstrap.Modal.getOrCreateInstance(modal).show(); }
  });

  // Links and buttons that open the shared dialog show a spinner until htmx fills it.
  document.addEventListener("click", function (event) {
    var opener = event.target.closest("[data-bs-target='#app-modal']");
    var body = document.getElementById("app-modal-body");
    if (opener && body) {
      body.innerHTML = '<div class="modal-body text-center py-5"><div class="spinner-border text-primary" role="status"></div></div>';
    }
  });

  // Select all rows of a list: <input type="checkbox" data-select-all="name-of-row-checkboxes">.
  document.addEventListener("change", function (event) {
    var name = event.target.getAttribute && event.target.getAttribute("data-select-all");
    if (!name) { return; }
    document.querySelectorAll('input[type="checkbox"][name="' + name + '"]').forEach(function (box) {
      box.checked = event.target.checked;
    });
  });

  // Remove a row of a builder (list conditions): <button data-remove-condition> inside .app-condition.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-remove-condition]");
    if (button) { var row = button.closest(".app-condition"); if (row) { row.remove(); } }
  });

  function showMessage(text, kind) {
    var main = document.getElementById("main");
    if (!main) { return; }
    var box = document.getElementById("messages");
    if (!box) {
      box = document.createElement("div");
      box.id = "messages";
      box.className = "app-messages";
      main.prepend(box);
    }
    var alert = document.createElement("div");
    alert.className = "alert alert-" + (kind || "info") + " alert-dismissible fade show";
    alert.setAttribute("role", "alert");
    alert.textContent = text;
    var close = document.createElement("button");
    close.type = "button";
    close.className = "btn-close";
    close.setAttribute("data-bs-dismiss", "alert");
    close.setAttribute("aria-label", "Close");
    alert.appendChild(close);
    box.prepend(alert);
  }
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
