// Quote details: click a highlighted quote, or focus it and press Enter or Space, to show
// its card (speaker, cue, kind, confidence) in the side panel. Without this script every
// card is listed in the panel anyway.
(function () {
  "use strict";
  var panel = document.getElementById("quote-panel");
  if (!panel) { return; }
  var selected = [];

  function marksOf(id) {
    return document.querySelectorAll('mark.q[data-quote="' + CSS.escape(id) + '"]');
  }

  function select(id) {
    var card = document.getElementById("quote-" + id);
    if (!card) { return; }
    selected.forEach(function (el) { el.classList.remove("selected"); el.setAttribute("aria-pressed", "false"); });
    selected = Array.prototype.slice.call(marksOf(id));
    selected.forEach(function (el) { el.classList.add("selected"); if (el.hasAttribute("role")) { el.setAttribute("aria-pressed", "true"); } });
    var copy = card.cloneNode(true);
    copy.removeAttribute("id");
    copy.classList.add("active");
    var jump = copy.querySelector("a.jump");
    if (jump) { jump.parentNode.removeChild(jump); }
    var heading = document.createElement("p");
    heading.className = "panel-quote-id";
    heading.textContent = "Quote " + id;
    panel.replaceChildren(heading, copy);
    if (window.matchMedia("(max-width: 60rem)").matches) {
      panel.scrollIntoView({ block: "nearest" });
    }
  }

  document.addEventListener("click", function (event) {
    var mark = event.target.closest && event.target.closest("mark.q[data-quote]");
    if (mark) {
      event.preventDefault();
      select(mark.getAttribute("data-quote"));
    }
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Enter" && event.key !== " ") { return; }
    var mark = event.target.closest && event.target.closest("mark.q[data-quote]");
    if (mark && mark === event.target) {
      event.preventDefault();
      select(mark.getAttribute("data-quote"));
    }
  });
  document.querySelectorAll("mark.q[role=button]").forEach(function (el) { el.setAttribute("aria-pressed", "false"); });

  // a link to #mark-q3 (from search or a speaker page) selects that quote
  var hash = decodeURIComponent(window.location.hash || "");
  if (hash.indexOf("#mark-") === 0) {
    var target = document.getElementById(hash.slice(1));
    if (target) {
      select(target.getAttribute("data-quote"));
      target.focus({ preventScroll: false });
    }
  }
})();
