/* The kanban board (OPP-9): drag a card to another column to move the opportunity to that stage.
   The server decides; the board reloads from it after every move, refusal or dialog. Every card
   also has a stage picker, so the keyboard does the same without dragging. */
(function () {
  "use strict";

  function initColumns(root) {
    if (!window.Sortable || !window.htmx) { return; }
    root.querySelectorAll("[data-stage-column]").forEach(function (column) {
      if (column.getAttribute("data-sortable") === "on") { return; }
      column.setAttribute("data-sortable", "on");
      window.Sortable.create(column, {
        group: "board",
        animation: 150,
        forceFallback: true,  // mouse and touch events rather than native drag and drop: the same on every device
        draggable: "[data-card]",
        filter: "select, a, button",
        preventOnFilter: false,
        onEnd: function (event) {
          if (event.from === event.to) { return; }
          var card = event.item;
          window.htmx.ajax("POST", card.getAttribute("data-move-url"), {
            source: card,
            values: { stage: event.to.getAttribute("data-stage-column") },
            swap: "none"
          });
        }
      });
    });
  }

  function init() {
    var board = document.getElementById("board");
    if (board) { initColumns(board); }
  }

  document.addEventListener("DOMContentLoaded", init);
  document.addEventListener("htmx:afterSettle", init);
})();
