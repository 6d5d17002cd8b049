/* orgreg: small progressive enhancements. Every page works without this file. */
(function () {
  "use strict";

  /* Org chart: fold and unfold a box's children (its staff band and its line). */
  function setChildren(button, open) {
    var ids = (button.getAttribute("aria-controls") || "").split(/\s+/);
    var lists = ids.map(function (id) { return document.getElementById(id); })
      .filter(function (el) { return el; });
    if (!lists.length) return;
    lists.forEach(function (list) { list.hidden = !open; });
    button.setAttribute("aria-expanded", open ? "true" : "false");
    var state = button.querySelector(".oc-toggle-state");
    if (state) state.textContent = open ? "sammen" : "ud";
  }

  /* Org chart zoom: CSS zoom on the drawing (set through the CSSOM, which the CSP allows).
     It opens fitted to the window's width, never below MIN_FIT (there it scrolls, from its
     left edge); "Hele diagrammet" fits width and height, however small that makes it. */
  var MIN_FIT = 0.3, MIN_ZOOM = 0.05, MAX_ZOOM = 2, STEP = 1.25;
  /* The printable area of A4 landscape with print.css's margins (273 × 186 mm), less the
     note above the chart; a chart that would be smaller than PRINT_MIN on one sheet is
     fitted to the width alone and runs on over further sheets. */
  var PRINT_WIDTH_PX = 273 / 25.4 * 96, PRINT_HEIGHT_PX = 186 / 25.4 * 96 - 30, PRINT_MIN = 0.3;

  function initZoom(frame) {
    var drawing = frame.querySelector(".oc-root");
    var controls = document.querySelector("[data-chart-zoom]");
    if (!drawing) return;
    var level = 1;
    var shown = controls && controls.querySelector("[data-zoom-level]");

    function natural() {
      var before = drawing.style.zoom;
      drawing.style.zoom = "";
      var size = {w: drawing.scrollWidth, h: drawing.scrollHeight};
      drawing.style.zoom = before;
      return size;
    }
    function apply(value) {
      level = Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, value));
      drawing.style.zoom = level === 1 ? "" : String(level);
      if (shown) shown.textContent = Math.round(level * 100) + " %";
    }
    function room() { return frame.clientWidth - 2; }
    function fitWidth(floor) {
      apply(Math.max(floor, Math.min(1, room() / natural().w)));
    }
    function fitAll() {
      var size = natural();
      var top = Math.max(frame.getBoundingClientRect().top, 0);
      var height = Math.max(window.innerHeight - Math.min(top, window.innerHeight / 3) - 40, 120);
      apply(Math.min(1, room() / size.w, height / size.h));
      frame.scrollIntoView({block: "start"});
    }
    function centreTop() {
      /* A chart still wider than the window shows its top box in the middle. */
      var topBox = drawing.querySelector(":scope > .oc-node > .oc-box");
      if (!topBox || frame.scrollWidth <= frame.clientWidth) return;
      var box = topBox.getBoundingClientRect(), outer = frame.getBoundingClientRect();
      frame.scrollLeft += box.left + box.width / 2 - (outer.left + frame.clientWidth / 2);
    }
    fitWidth(MIN_FIT);
    centreTop();
    if (controls) {
      controls.hidden = false;
      controls.addEventListener("click", function (event) {
        var button = event.target.closest("[data-zoom]");
        if (!button) return;
        var action = button.getAttribute("data-zoom");
        if (action === "in") apply(level * STEP);
        else if (action === "out") apply(level / STEP);
        else if (action === "fit") fitWidth(MIN_ZOOM);
        else if (action === "all") fitAll();
        else apply(1);
        centreTop();
      });
    }
    /* Browser printing: the drawing scaled onto the paper's width, and back after. */
    var screenLevel = null;
    function toPaper() {
      if (screenLevel === null) screenLevel = level;
      var size = natural();
      var wide = Math.min(1, (PRINT_WIDTH_PX - 4) / size.w);
      var whole = Math.min(wide, PRINT_HEIGHT_PX / size.h);
      apply(whole >= PRINT_MIN ? whole : wide);
    }
    function toScreen() {
      if (screenLevel !== null) apply(screenLevel);
      screenLevel = null;
    }
    window.addEventListener("beforeprint", toPaper);
    window.addEventListener("afterprint", toScreen);
    /* Print media without a print dialog (a print preview, an emulation) as well. */
    var print = window.matchMedia && window.matchMedia("print");
    if (print && print.addEventListener) {
      print.addEventListener("change", function (event) {
        if (event.matches) toPaper(); else toScreen();
      });
    }
  }

  function initChart(root) {
    initZoom(root);
    var toggles = root.querySelectorAll(".oc-toggle");
    toggles.forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        setChildren(button, button.getAttribute("aria-expanded") !== "true");
      });
    });
    document.querySelectorAll("[data-chart-action]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        var open = button.getAttribute("data-chart-action") === "expand";
        toggles.forEach(function (t) { setChildren(t, open); });
      });
    });
  }

  /* Outline: fold everything in or out. */
  function initOutline(root) {
    document.querySelectorAll("[data-outline-action]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        var open = button.getAttribute("data-outline-action") === "expand";
        root.querySelectorAll("details").forEach(function (d) { d.open = open; });
      });
    });
  }

  /* Edit page: drag a unit onto its new parent, or press its »Flyt …« button; either opens
     the move dialog (templates/units/_move_dialog.html), which posts the same move form to
     the same action as the panel's »Flyt« form. Nothing moves until the editor confirms. */
  function initDrag(root) {
    var dialog = document.querySelector("[data-move-dialog]");
    if (!dialog || typeof dialog.showModal !== "function") return;
    var form = dialog.querySelector("[data-move-dialog-form]");
    var description = dialog.querySelector("[data-move-description]");
    var targetField = dialog.querySelector("[data-move-target-field]");
    var version = dialog.querySelector("[data-move-version]");
    var target = form.elements["move-new_parent"];
    var targetInput = targetField.querySelector("[data-picker-input]");
    var targetsUrl = targetField.getAttribute("data-targets-url");
    var reason = form.elements["move-reason"];
    var versions = JSON.parse(dialog.getAttribute("data-unit-versions") || "{}");
    var status = document.querySelector("[data-drag-status]");
    var dragged = null, moving = null, opener = null;

    function nameOf(item) {
      var link = item && item.querySelector("a");
      return link ? link.textContent.trim() : "";
    }
    function itemOf(id) { return id ? document.getElementById("o-" + id) : null; }
    function describe() {
      var to = itemOf(target.value);
      var toName = to ? nameOf(to) : (target.value ? targetInput.value : "");
      description.textContent = toName ? "Flyt " + nameOf(moving) + " under " + toName + "."
        : "Flyt " + nameOf(moving) + ": vælg den nye overordnede enhed.";
    }
    function clearTargets() {
      root.querySelectorAll(".drop-target").forEach(function (el) { el.classList.remove("drop-target"); });
    }
    function open(item, to, from) {
      moving = item;
      opener = from;
      form.action = item.getAttribute("data-move-url");
      version.value = versions[item.getAttribute("data-id")] || "";
      /* The picker searches the targets of this unit: never itself, what lies inside it or
         its present parent (units:unit-move-targets). */
      targetField.setAttribute("data-picker-url",
                               targetsUrl.replace("987654321", item.getAttribute("data-id")));
      targetInput.value = "";
      target.value = to ? to.getAttribute("data-id") : "";
      targetField.hidden = !!to;
      reason.value = "";
      describe();
      if (status) status.textContent = "";
      dialog.showModal();
      (to ? reason : targetInput).focus();
    }
    form.addEventListener("change", describe);
    form.addEventListener("submit", function () {
      if (status) status.textContent = "Flytter …";
    });
    dialog.querySelector("[data-move-cancel]").addEventListener("click", function () {
      dialog.close();
    });
    /* Escape closes a modal dialog by itself; either way focus returns where it came from. */
    dialog.addEventListener("close", function () {
      clearTargets();
      if (opener) opener.focus();
      moving = opener = null;
    });

    root.querySelectorAll("li[draggable=true]").forEach(function (item) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "secondary o-move";
      button.textContent = "Flyt …";
      button.setAttribute("aria-label", "Flyt " + nameOf(item) + " …");
      button.setAttribute("aria-haspopup", "dialog");
      button.addEventListener("click", function () { open(item, null, button); });
      item.insertBefore(button, item.firstChild);
    });

    root.addEventListener("dragstart", function (event) {
      var item = event.target.closest && event.target.closest("li[draggable=true]");
      if (!item) return;
      dragged = item;
      item.classList.add("dragging");
      event.dataTransfer.effectAllowed = "move";
      event.dataTransfer.setData("text/plain", item.getAttribute("data-id"));
    });
    root.addEventListener("dragend", function () {
      if (dragged) dragged.classList.remove("dragging");
      if (!dialog.open) clearTargets();
    });
    function targetOf(event) {
      var item = event.target.closest && event.target.closest("li[data-id]");
      if (!item || !dragged || item === dragged || dragged.contains(item)) return null;
      if (item === dragged.parentNode.closest("li[data-id]")) return null;  /* already there */
      return item;
    }
    root.addEventListener("dragover", function (event) {
      var item = targetOf(event);
      if (!item) return;
      event.preventDefault();
      event.stopPropagation();
      root.querySelectorAll(".drop-target").forEach(function (el) { if (el !== item) el.classList.remove("drop-target"); });
      item.classList.add("drop-target");
    });
    root.addEventListener("drop", function (event) {
      var item = targetOf(event);
      if (!item) return;
      event.preventDefault();
      var from = dragged;
      dragged = null;
      from.classList.remove("dragging");
      open(from, item, from.querySelector("a"));
    });
  }

  /* /min-enhed/: search as you type. The server renders the results (the same partial as
     the page without script), so the script only fetches and places them. */
  function initSearch(form) {
    var input = form.querySelector("input[type=search]");
    var results = document.getElementById("search-results");
    var url = form.getAttribute("data-search-url");
    var timer = null;
    var latest = 0;
    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(function () {
        var query = input.value.trim();
        var ticket = ++latest;
        if (!query) { results.textContent = ""; return; }
        fetch(url + "?q=" + encodeURIComponent(query), {credentials: "same-origin"})
          .then(function (r) { return r.json(); })
          .then(function (data) {
            if (ticket !== latest) return;
            results.innerHTML = data.html;
          });
      }, 150);
    });
    /* "Vis også tidligere organiseringer": a link to ?tidligere=1 without script; with it,
       the hits already on the page are revealed in place. */
    results.addEventListener("click", function (event) {
      var link = event.target.closest("[data-reveal-earlier]");
      if (!link) return;
      var earlier = document.getElementById(link.getAttribute("aria-controls"));
      if (!earlier) return;
      event.preventDefault();
      earlier.hidden = false;
      link.setAttribute("aria-expanded", "true");
      link.parentNode.hidden = true;
      var first = earlier.querySelector("a");
      if (first) first.focus();
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-chart]").forEach(initChart);
    document.querySelectorAll("[data-outline]").forEach(initOutline);
    document.querySelectorAll("[data-editable]").forEach(initDrag);
    document.querySelectorAll("[data-unit-search]").forEach(initSearch);
  });
})();
