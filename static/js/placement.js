/* orgreg edit page: the move form's search-as-you-type picker (the ARIA combobox pattern)
   and dragging a unit within its parent to set the order. Without this file the picker is a
   text field with a search button and the order is set with the "Flyt op/ned" buttons. */
(function () {
  "use strict";

  function csrfToken() {
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function initPicker(box) {
    var input = box.querySelector("[data-picker-input]");
    var status = box.querySelector("[data-picker-status]");
    var form = box.closest("form");
    if (!input || !form) return;
    /* The move dialog brings its own value field (its drop sets it too) and sets the search
       address for the unit it moves (orgreg.js); the panel's picker gets one made here. */
    var value = box.querySelector("[data-picker-value]");
    if (!value) {
      value = document.createElement("input");
      value.type = "hidden";
      value.name = "move-new_parent";
      form.appendChild(value);
    }
    var list = document.createElement("ul");
    list.id = input.id + "-list";
    list.className = "picker-list";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", "Fundne enheder");
    list.hidden = true;
    box.insertBefore(list, input.parentNode.nextSibling);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", list.id);
    var search = box.querySelector("[data-picker-search]");
    if (search) search.hidden = true;
    var options = [], active = -1, timer = null, ticket = 0;

    function say(text) { if (status) status.textContent = text; }
    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }
    function highlight(index) {
      options.forEach(function (li, i) { li.setAttribute("aria-selected", i === index ? "true" : "false"); });
      active = index;
      if (index >= 0) {
        input.setAttribute("aria-activedescendant", options[index].id);
        options[index].scrollIntoView({block: "nearest"});
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }
    function choose(li) {
      value.value = li.getAttribute("data-id");
      input.value = li.getAttribute("data-name");
      value.dispatchEvent(new Event("change", {bubbles: true}));
      close();
      say("Valgt: " + li.getAttribute("data-name"));
    }
    function show(data) {
      list.textContent = "";
      options = data.results.map(function (hit, i) {
        var li = document.createElement("li");
        li.id = list.id + "-" + i;
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        li.setAttribute("data-id", hit.id);
        li.setAttribute("data-name", hit.name);
        var name = document.createElement("span");
        name.textContent = hit.name + (hit.code ? " (" + hit.code + ")" : "");
        li.appendChild(name);
        if (hit.path) {
          var path = document.createElement("span");
          path.className = "picker-path";
          path.textContent = hit.path;
          li.appendChild(path);
        }
        list.appendChild(li);
        return li;
      });
      if (data.more) {
        var more = document.createElement("li");
        more.className = "picker-more";
        more.setAttribute("role", "presentation");
        more.textContent = "Der er flere; skriv mere af navnet.";
        list.appendChild(more);
      }
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
      active = -1;
      say(options.length ? options.length + (options.length === 1 ? " enhed fundet." : " enheder fundet.") +
          " Brug pil op og ned." : "Ingen enheder passer.");
    }
    input.addEventListener("input", function () {
      var fallback = box.querySelector("[data-picker-results]");
      if (fallback) fallback.remove();
      value.value = "";
      window.clearTimeout(timer);
      var query = input.value.trim();
      if (!query) { close(); list.textContent = ""; options = []; return; }
      timer = window.setTimeout(function () {
        var mine = ++ticket;
        var url = box.getAttribute("data-picker-url");
        fetch(url + "?q=" + encodeURIComponent(query), {credentials: "same-origin"})
          .then(function (r) { return r.json(); })
          .then(function (data) { if (mine === ticket) show(data); })
          .catch(function () { say("Søgningen mislykkedes. Prøv igen."); });
      }, 150);
    });
    input.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        if (list.hidden && options.length) { list.hidden = false; input.setAttribute("aria-expanded", "true"); }
        if (!options.length) return;
        event.preventDefault();
        var step = event.key === "ArrowDown" ? 1 : -1;
        highlight((active + step + options.length) % options.length);
      } else if (event.key === "Enter") {
        /* Never submits the search form: with the script the list answers as you type. */
        event.preventDefault();
        if (!list.hidden && active >= 0) choose(options[active]);
      } else if (event.key === "Escape") {
        if (!list.hidden) { event.preventDefault(); close(); }
      }
    });
    list.addEventListener("mousedown", function (event) {
      var li = event.target.closest("[role=option]");
      if (!li) return;
      event.preventDefault();
      choose(li);
    });
    input.addEventListener("blur", function () { window.setTimeout(close, 100); });
  }

  /* Dropping a unit on the upper or lower edge of a sibling places it before or after that
     sibling; dropping on the middle of a unit still moves it under that unit (orgreg.js). */
  function initReorderDrag(root) {
    var template = root.getAttribute("data-reorder-url");
    var status = document.querySelector("[data-drag-status]");
    if (!template) return;
    var dragged = null;
    function clear() {
      root.querySelectorAll(".drop-before, .drop-after").forEach(function (el) {
        el.classList.remove("drop-before", "drop-after");
      });
    }
    function zone(event) {
      var item = event.target.closest && event.target.closest("li[data-id]");
      if (!item || !dragged || item === dragged || item.parentElement !== dragged.parentElement) return null;
      var line = item.querySelector(".o-line") || item;
      var box = line.getBoundingClientRect();
      var edge = Math.max(4, box.height * 0.3);
      if (event.clientY < box.top + edge) return {item: item, where: "before"};
      if (event.clientY > box.bottom - edge) return {item: item, where: "after"};
      return null;
    }
    root.addEventListener("dragstart", function (event) {
      dragged = event.target.closest && event.target.closest("li[draggable=true]");
    }, true);
    root.addEventListener("dragend", function () { dragged = null; clear(); }, true);
    root.addEventListener("dragover", function (event) {
      var target = zone(event);
      clear();
      if (!target) return;
      event.preventDefault();
      event.stopPropagation();
      root.querySelectorAll(".drop-target").forEach(function (el) { el.classList.remove("drop-target"); });
      target.item.classList.add(target.where === "before" ? "drop-before" : "drop-after");
    }, true);
    root.addEventListener("drop", function (event) {
      var target = zone(event);
      if (!target) return;
      event.preventDefault();
      event.stopPropagation();
      clear();
      var body = new FormData();
      body.append(target.where, target.item.getAttribute("data-id"));
      body.append("csrfmiddlewaretoken", csrfToken());
      var url = template.replace("987654321", dragged.getAttribute("data-id"));
      if (status) status.textContent = "Flytter …";
      fetch(url, {
        method: "POST", body: body, credentials: "same-origin",
        headers: {"X-Requested-With": "fetch", "X-CSRFToken": csrfToken()}
      }).then(function (response) {
        return response.json().then(function (data) { return {ok: response.ok, data: data}; });
      }).then(function (result) {
        if (status) status.textContent = result.ok ? result.data.message : (result.data.error || "Rækkefølgen kunne ikke ændres.");
        if (result.ok) window.location.reload();
      }).catch(function () {
        if (status) status.textContent = "Rækkefølgen kunne ikke ændres. Brug knapperne »Flyt op« og »Flyt ned«.";
      });
    }, true);
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-picker]").forEach(initPicker);
    document.querySelectorAll("[data-editable]").forEach(initReorderDrag);
  });
})();
