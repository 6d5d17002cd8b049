/* orgreg: small progressive enhancements. Every page works without this file. */
(function () {
  "use strict";

  function csrfToken() {
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  /* Org chart: fold and unfold a box's children. */
  function setChildren(button, open) {
    var list = document.getElementById(button.getAttribute("aria-controls"));
    if (!list) return;
    list.hidden = !open;
    button.setAttribute("aria-expanded", open ? "true" : "false");
    var state = button.querySelector(".oc-toggle-state");
    if (state) state.textContent = open ? "sammen" : "ud";
  }

  function initChart(root) {
    /* A wide chart opens with its top box in view. */
    var top = root.querySelector(".oc-root > .oc-node > .oc-box");
    if (top && root.scrollWidth > root.clientWidth) {
      var box = top.getBoundingClientRect(), frame = root.getBoundingClientRect();
      root.scrollLeft += box.left + box.width / 2 - (frame.left + root.clientWidth / 2);
    }
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

  /* Edit page: drag a unit onto its new parent; posts to the same move action the form uses. */
  function initDrag(root) {
    var status = document.querySelector("[data-drag-status]");
    var dragged = null;
    function say(text, bad) {
      if (!status) return;
      status.textContent = text;
      status.classList.toggle("bad", !!bad);
    }
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
      root.querySelectorAll(".drop-target").forEach(function (el) { el.classList.remove("drop-target"); });
    });
    function targetOf(event) {
      var item = event.target.closest && event.target.closest("li[data-id]");
      if (!item || !dragged || item === dragged || dragged.contains(item)) return null;
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
      var body = new FormData();
      body.append("move-new_parent", item.getAttribute("data-id"));
      body.append("csrfmiddlewaretoken", csrfToken());
      say("Flytter …");
      fetch(dragged.getAttribute("data-move-url"), {
        method: "POST", body: body, credentials: "same-origin",
        headers: {"X-Requested-With": "fetch", "X-CSRFToken": csrfToken()}
      }).then(function (response) {
        return response.json().then(function (data) { return {ok: response.ok, data: data}; });
      }).then(function (result) {
        if (result.ok) {
          say(result.data.message);
          window.location.reload();
        } else {
          say(result.data.error || "Enheden kunne ikke flyttes.", true);
        }
      }).catch(function () {
        say("Enheden kunne ikke flyttes. Prøv igen, eller brug formularen »Flyt«.", true);
      });
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
