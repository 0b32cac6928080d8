// The page has this script: controls meant only for browsers without it can go.
document.documentElement.classList.add("js");

// Copy buttons: hidden until this script runs, since they need the clipboard API.
(function () {
  function reveal(root) {
    root.querySelectorAll("button[data-copy]").forEach(function (button) {
      button.hidden = false;
    });
  }
  document.addEventListener("DOMContentLoaded", function () { reveal(document); });
  document.addEventListener("htmx:load", function (event) { reveal(event.detail.elt); });
  document.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-copy]");
    if (!button) return;
    navigator.clipboard.writeText(button.dataset.copy).then(function () {
      var label = button.textContent;
      button.textContent = "Copied";
      button.classList.add("copied");
      setTimeout(function () { button.textContent = label; button.classList.remove("copied"); }, 1500);
    });
  });
})();

// The main menu on a phone: a Menu button that shows and hides it (without this script the
// links simply wrap).
(function () {
  var narrow = window.matchMedia("(max-width: 40rem)");
  function setUp() {
    var button = document.querySelector(".menu-button");
    var menu = document.getElementById("site-menu");
    if (!button || !menu) return;
    button.hidden = false;
    button.closest(".site-header").classList.add("has-menu-button");
    function collapse(collapsed) {
      button.setAttribute("aria-expanded", String(!collapsed));
      if (collapsed && narrow.matches) menu.setAttribute("data-collapsed", "");
      else menu.removeAttribute("data-collapsed");
    }
    collapse(true);
    button.addEventListener("click", function () {
      collapse(button.getAttribute("aria-expanded") === "true");
    });
    narrow.addEventListener("change", function () { collapse(true); });
  }
  document.addEventListener("DOMContentLoaded", setUp);
})();

// Tables on a phone: each cell learns its column's name, and the stylesheet stacks each row
// into a card (without this script, tables scroll sideways in their box).
(function () {
  function label(root) {
    root.querySelectorAll(".table-scroll").forEach(function (box) {
      var headings = Array.prototype.map.call(box.querySelectorAll("thead th"), function (th) {
        // The column's name as shown: without sort arrows and their spoken state.
        var copy = th.cloneNode(true);
        copy.querySelectorAll("[aria-hidden=true], .visually-hidden").forEach(function (el) {
          el.remove();
        });
        return copy.textContent.trim();
      });
      if (!headings.length) return;
      box.querySelectorAll("tbody tr").forEach(function (row) {
        Array.prototype.forEach.call(row.children, function (cell, index) {
          if (cell.tagName === "TD" && headings[index] && cell.colSpan === 1) {
            cell.setAttribute("data-label", headings[index]);
          }
        });
      });
      box.classList.add("stacked");
    });
  }
  document.addEventListener("DOMContentLoaded", function () { label(document); });
  document.addEventListener("htmx:load", function (event) { label(event.detail.elt.ownerDocument); });
})();
