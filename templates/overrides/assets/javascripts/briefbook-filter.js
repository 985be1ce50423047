// Filters for the lists of the changes and what-to-watch pages, and the since-date picker of the
// matrix and the watch view. Progressive enhancement: without this script every entry is shown and
// the marks of what moved since the book's last review stay as the build wrote them.
(function () {
  "use strict";
  function setUp() {
    document.querySelectorAll(".bb-filters").forEach(function (box) {
      if (box.dataset.ready) return;
      box.dataset.ready = "1";
      var groups = {};
      box.querySelectorAll("[data-filter-option]").forEach(function (option) {
        var name = option.dataset.filterOption;
        (groups[name] = groups[name] || []).push([option.dataset.filterValue, option.textContent]);
        option.remove();
      });
      var items = Array.prototype.slice.call(document.querySelectorAll(".bb-filter-item"));
      var chosen = {};
      var count = document.createElement("p");
      count.className = "bb-filter-count";
      count.setAttribute("aria-live", "polite");
      function apply() {
        var shown = 0;
        items.forEach(function (item) {
          var fits = Object.keys(chosen).every(function (name) {
            var values = (item.getAttribute("data-filter-" + name) || "").split(" ");
            return !chosen[name] || values.indexOf(chosen[name]) >= 0;
          });
          var row = item.closest("li, tr") || item;
          row.hidden = !fits;
          if (fits) shown += 1;
        });
        count.textContent = shown + " of " + items.length + " shown";
      }
      Object.keys(groups).forEach(function (name) {
        var label = document.createElement("label");
        var select = document.createElement("select");
        select.name = "filter-" + name;
        label.append(name.charAt(0).toUpperCase() + name.slice(1) + " ");
        var all = document.createElement("option");
        all.value = "";
        all.textContent = "All";
        select.append(all);
        groups[name].forEach(function (pair) {
          var option = document.createElement("option");
          option.value = pair[0];
          option.textContent = pair[1];
          select.append(option);
        });
        select.addEventListener("change", function () {
          chosen[name] = select.value;
          apply();
        });
        label.append(select);
        box.append(label);
      });
      box.append(count);
      box.hidden = false;
      apply();
    });
    document.querySelectorAll(".bb-since").forEach(function (box) {
      if (box.dataset.ready) return;
      box.dataset.ready = "1";
      var label = document.createElement("label");
      var input = document.createElement("input");
      input.type = "date";
      input.name = "since";
      input.value = box.dataset.sinceDefault;
      label.append("Mark what moved since ");
      label.append(input);
      box.append(label);
      var count = document.createElement("span");
      count.className = "bb-filter-count";
      count.setAttribute("aria-live", "polite");
      box.append(count);
      function apply() {
        var since = input.value || "0000-00-00";
        var moved = 0;
        document.querySelectorAll("[data-moved]").forEach(function (mark) {
          mark.hidden = mark.dataset.moved < since;
          if (!mark.hidden) moved += 1;
        });
        count.textContent = " " + moved + " moved";
      }
      input.addEventListener("change", apply);
      input.addEventListener("input", apply);
      box.hidden = false;
      apply();
    });
  }
  // Material's instant navigation swaps pages without a load event
  if (window.document$ && window.document$.subscribe) window.document$.subscribe(setUp);
  else document.addEventListener("DOMContentLoaded", setUp);
})();
