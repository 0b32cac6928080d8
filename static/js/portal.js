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

// Confirmations: every hx-confirm asks in the page's own dialog (focus held in it, Escape
// cancels, focus back on the control that asked), not in the browser's confirm().
(function () {
  function labelOf(control) {
    if (!control) return "";
    if (control.dataset && control.dataset.confirmLabel) return control.dataset.confirmLabel;
    // The control's words as shown: not its hidden "for <name>" part.
    var copy = control.cloneNode(true);
    copy.querySelectorAll(".visually-hidden, [aria-hidden=true]").forEach(function (el) {
      el.remove();
    });
    return (copy.textContent || copy.value || "").trim();
  }
  document.addEventListener("htmx:confirm", function (event) {
    var dialog = document.getElementById("confirm-dialog");
    if (!event.detail.question || !dialog || !dialog.showModal) return;
    event.preventDefault();
    var elt = event.detail.elt;
    var triggering = event.detail.triggeringEvent;
    // A form asks on submit: the button pressed says what happens.
    var control = (triggering && triggering.submitter) || elt;
    var returnTo = document.activeElement && document.activeElement !== document.body
      ? document.activeElement : control;
    var label = elt.tagName === "FORM" && !(triggering && triggering.submitter)
      ? labelOf(elt.querySelector("[type=submit], button:not([type])")) : labelOf(control);
    document.getElementById("confirm-dialog-question").textContent = event.detail.question;
    var confirmButton = document.getElementById("confirm-dialog-confirm");
    confirmButton.textContent = label || "Confirm";
    dialog.returnValue = "";
    dialog.addEventListener("close", function () {
      if (returnTo && returnTo.isConnected) returnTo.focus();
      if (dialog.returnValue === "confirm") event.detail.issueRequest(true);
    }, { once: true });
    dialog.showModal();
    // The safe choice first: Enter or Space right away does nothing harmful.
    dialog.querySelector("button[value=cancel]").focus();
  });
})();

// Row menus (a <details>): Escape or a click elsewhere closes the open one.
(function () {
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    var menu = event.target.closest && event.target.closest("details.row-menu[open]");
    if (!menu) return;
    menu.open = false;
    menu.querySelector("summary").focus();
  });
  document.addEventListener("click", function (event) {
    // The confirmation a menu's item opened is not "elsewhere": focus goes back to the item.
    if (event.target.closest("dialog")) return;
    document.querySelectorAll("details.row-menu[open]").forEach(function (menu) {
      if (!menu.contains(event.target)) menu.open = false;
    });
  });
})();

// After an HTMX change to a table (companies, payroll accounts), focus lands where the reader
// was: on the next row's name after a delete (the previous row's, or the count, for the
// last), on the new row's name after a create.
(function () {
  var afterDelete = null;
  document.addEventListener("htmx:beforeRequest", function (event) {
    if (!event.detail.elt.hasAttribute("data-removes-row")) return;
    var row = event.detail.elt.closest("tr");
    var neighbour = row && (row.nextElementSibling || row.previousElementSibling);
    afterDelete = neighbour && neighbour.id ? neighbour.id : "";
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    if (!event.detail.successful) afterDelete = null;
  });
  document.addEventListener("htmx:afterSettle", function (event) {
    var target = event.detail.target;
    if (afterDelete !== null && target && target.classList.contains("table-region")) {
      var link = afterDelete && document.querySelector("#" + CSS.escape(afterDelete) + " td a");
      // An outerHTML swap: the table in the page now is the new one with the same id.
      var table = document.getElementById(target.id);
      (link || table.querySelector(".table-summary")).focus();
      afterDelete = null;
    } else if (target && target.id === "companies-table" && event.detail.requestConfig &&
               event.detail.requestConfig.elt.closest(".pagination")) {
      // The page link that was pressed is gone: the reader goes on from the new page's count.
      document.getElementById("table-summary").focus({ preventScroll: true });
    } else if (target && target.id === "create-company") {
      // A refused or questioned name keeps focus in the form, which says why.
      var form = document.getElementById("create-company");
      var created = document.querySelector("#company-rows tr.is-new td a");
      var problem = form && form.querySelector(".has-error input, .has-error textarea, [role=alert] a");
      if (problem) problem.focus();
      else if (created) created.focus();
    }
  });
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
