// Quote details: click a highlighted quote, or focus it and press Enter or Space, to show
// its card (speaker, cue, kind, confidence) in the side panel; on a narrow screen the panel
// opens over the bottom of the page (Escape or "Close" shuts it and returns to the quote).
// Without this script every card is listed in the panel anyway.
(function () {
  "use strict";
  var panel = document.getElementById("quote-panel");
  var box = document.getElementById("selected-quote");
  if (!panel || !box) { return; }
  var narrow = window.matchMedia("(max-width: 60rem)");
  var selected = [];
  var lastMark = null;

  var list = document.getElementById("all-quotes");
  if (list && narrow.matches) { list.open = false; }

  var close = document.createElement("button");
  close.type = "button";
  close.className = "panel-close";
  close.textContent = "Close";
  close.setAttribute("aria-label", "Close the quote details");
  close.addEventListener("click", function () { shut(true); });

  function shut(refocus) {
    box.classList.remove("open");
    if (refocus && lastMark) { lastMark.focus(); }
  }

  function marksOf(id) {
    return document.querySelectorAll('mark.q[data-quote="' + CSS.escape(id) + '"]');
  }

  function select(id, mark) {
    var card = document.getElementById("quote-" + id);
    if (!card) { return; }
    selected.forEach(function (el) {
      el.classList.remove("selected");
      if (el.hasAttribute("role")) { el.setAttribute("aria-pressed", "false"); }
    });
    selected = Array.prototype.slice.call(marksOf(id));
    selected.forEach(function (el) {
      el.classList.add("selected");
      if (el.hasAttribute("role")) { el.setAttribute("aria-pressed", "true"); }
    });
    lastMark = mark || document.getElementById("mark-" + id);
    var copy = card.cloneNode(true);
    copy.removeAttribute("id");
    copy.classList.add("active");
    var jump = copy.querySelector("a.jump");
    if (jump) { jump.parentNode.removeChild(jump); }
    var heading = document.createElement("p");
    heading.className = "panel-quote-id";
    heading.textContent = "Quote " + id;
    var wrap = document.createElement("ol");
    wrap.className = "quote-cards";
    wrap.appendChild(copy);
    panel.replaceChildren(heading, wrap);
    if (!close.parentNode) { box.insertBefore(close, box.firstChild); }
    box.classList.add("open");
  }

  document.addEventListener("click", function (event) {
    var mark = event.target.closest && event.target.closest("mark.q[data-quote]");
    if (mark) {
      event.preventDefault();
      select(mark.getAttribute("data-quote"), mark);
    }
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && box.classList.contains("open") && narrow.matches) {
      shut(true);
      return;
    }
    if (event.key !== "Enter" && event.key !== " ") { return; }
    var mark = event.target.closest && event.target.closest("mark.q[data-quote]");
    if (mark && mark === event.target) {
      event.preventDefault();
      select(mark.getAttribute("data-quote"), mark);
    }
  });
  document.querySelectorAll("mark.q[role=button]").forEach(function (el) {
    el.setAttribute("aria-pressed", "false");
  });

  // a link to #mark-q3 (from search or a speaker page) selects that quote
  var hash = decodeURIComponent(window.location.hash || "");
  if (hash.indexOf("#mark-") === 0) {
    var target = document.getElementById(hash.slice(1));
    if (target) {
      select(target.getAttribute("data-quote"), target);
      target.focus();
    }
  }
})();
