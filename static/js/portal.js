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

// The company autocomplete (`[data-combobox]`): htmx fills the listbox as staff type; this
// makes the text field an ARIA combobox that the arrow keys, Enter and Escape drive, and puts
// the chosen company's id in the hidden field. Without this script the server resolves the
// text itself.
(function () {
  function setUp(box) {
    var input = box.querySelector("input[type=text]");
    var chosenId = box.querySelector("input[type=hidden]");
    var listbox = box.querySelector("[role=listbox]");
    if (!input || !listbox || input.getAttribute("role") === "combobox") return;
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-controls", listbox.id);
    input.setAttribute("aria-expanded", "false");

    function options() { return Array.prototype.slice.call(listbox.querySelectorAll("[role=option]")); }
    function active() { return listbox.querySelector("[aria-selected=true]"); }
    function open(isOpen) {
      listbox.hidden = !isOpen;
      input.setAttribute("aria-expanded", String(isOpen));
      if (!isOpen) input.removeAttribute("aria-activedescendant");
    }
    function highlight(option) {
      options().forEach(function (each) { each.setAttribute("aria-selected", String(each === option)); });
      if (option) {
        input.setAttribute("aria-activedescendant", option.id);
        option.scrollIntoView({ block: "nearest" });
      }
    }
    function choose(option) {
      input.value = option.dataset.companyName;
      if (chosenId) chosenId.value = option.dataset.companyId;
      // A company picked here replaces one picked from the no-script list of matches.
      input.form.querySelectorAll("input[type=radio][name=company_id]").forEach(function (radio) {
        radio.checked = false;
      });
      open(false);
      document.getElementById("company-status").textContent = "Chosen: " + option.dataset.companyName + ".";
    }

    input.addEventListener("input", function () {
      // The text no longer names the company picked earlier.
      if (chosenId) chosenId.value = "";
    });
    input.addEventListener("keydown", function (event) {
      var all = options();
      var index = all.indexOf(active());
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        if (!all.length) return;
        event.preventDefault();
        open(true);
        var step = event.key === "ArrowDown" ? 1 : -1;
        highlight(all[(index + step + all.length) % all.length] || all[0]);
      } else if (event.key === "Enter" && !listbox.hidden && index >= 0) {
        event.preventDefault(); // choosing is not submitting
        choose(all[index]);
      } else if (event.key === "Escape" && !listbox.hidden) {
        event.preventDefault();
        open(false);
      }
    });
    input.addEventListener("blur", function () { open(false); });
    // mousedown, not click: the field keeps its focus, so its blur does not close the list first.
    listbox.addEventListener("mousedown", function (event) {
      var option = event.target.closest("[role=option]");
      if (!option) return;
      event.preventDefault();
      choose(option);
    });
    listbox.addEventListener("htmx:afterSwap", function () {
      // A late answer does not reopen the list over a company just chosen.
      open(options().length > 0 && document.activeElement === input && !(chosenId && chosenId.value));
    });
  }
  function setUpAll(root) { root.querySelectorAll("[data-combobox]").forEach(setUp); }
  document.addEventListener("DOMContentLoaded", function () { setUpAll(document); });
  document.addEventListener("htmx:load", function (event) { setUpAll(event.detail.elt); });
})();

// Fields a provider does not use (`[data-unused-by-auth]`) are hidden and disabled while such a
// provider is chosen in the same form (its options carry `data-auth`). Without this script
// they stay, labelled as not needed, and the server ignores them.
(function () {
  function update(form) {
    var select = form.querySelector("select option[data-auth]");
    select = select && select.parentElement;
    if (!select) return;
    var chosen = select.options[select.selectedIndex];
    var auth = chosen ? chosen.dataset.auth : "";
    form.querySelectorAll("[data-unused-by-auth]").forEach(function (group) {
      var unused = group.dataset.unusedByAuth === auth;
      group.hidden = unused;
      group.disabled = unused;
    });
  }
  function setUpAll(root) {
    root.querySelectorAll("[data-unused-by-auth]").forEach(function (group) {
      if (group.form) update(group.form);
    });
  }
  document.addEventListener("DOMContentLoaded", function () { setUpAll(document); });
  document.addEventListener("htmx:load", function (event) { setUpAll(event.detail.elt); });
  document.addEventListener("change", function (event) {
    if (event.target.matches("select") && event.target.form) update(event.target.form);
  });
})();
