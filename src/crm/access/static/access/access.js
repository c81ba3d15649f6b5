/* Role editor: "all of this row / this app" checkboxes for the function matrix.
   The form works without this script; it only adds the convenience toggles. */
(function () {
  "use strict";

  function boxes(container) {
    return Array.prototype.slice.call(container.querySelectorAll('input[type="checkbox"][name="functions"]'));
  }

  function sync(toggle, container) {
    var all = boxes(container).filter(function (box) { return !box.disabled; });
    var ticked = all.filter(function (box) { return box.checked; }).length;
    toggle.checked = all.length > 0 && ticked === all.length;
    toggle.indeterminate = ticked > 0 && ticked < all.length;
  }

  function syncAll(root) {
    root.querySelectorAll("[data-row-toggle]").forEach(function (toggle) { sync(toggle, toggle.closest("tr")); });
    root.querySelectorAll("[data-group-toggle]").forEach(function (toggle) { sync(toggle, toggle.closest("tbody")); });
  }

  function init() {
    var matrix = document.querySelector('[data-testid="function-matrix"]');
    if (!matrix) { return; }
    matrix.querySelectorAll(".access-js-only").forEach(function (element) { element.classList.remove("d-none"); });
    matrix.addEventListener("change", function (event) {
      var target = event.target;
      var container = null;
      if (target.hasAttribute("data-row-toggle")) { container = target.closest("tr"); }
      else if (target.hasAttribute("data-group-toggle")) { container = target.closest("tbody"); }
      if (container) {
        boxes(container).forEach(function (box) { if (!box.disabled) { box.checked = target.checked; } });
      }
      syncAll(matrix);
    });
    syncAll(matrix);
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
})();
