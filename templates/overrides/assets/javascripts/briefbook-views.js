// The controls of the compare views, added by this script: without it, each view is its whole list,
// readable and printable. The timeline filters its events by actor and issue (from the classes the
// page gives each event); the sources filter by words and sort by date or title. A filter's state
// is kept in the address (?actor=japan&issue=sanctions), so that a filtered view can be linked to.
(function () {
  "use strict";

  const params = new URLSearchParams(location.search);

  function remember(name, value) {
    if (value) params.set(name, value); else params.delete(name);
    const query = params.toString();
    history.replaceState(null, "", location.pathname + (query ? "?" + query : "") + location.hash);
  }

  function control(form, label, element) {
    const field = document.createElement("label");
    field.className = "bb-view-control";
    const name = document.createElement("span");
    name.textContent = label;
    field.append(name, element);
    form.append(field);
    return element;
  }

  function toolbar(label) {
    const form = document.createElement("form");
    form.className = "bb-view-tools";
    form.setAttribute("role", "search");
    form.setAttribute("aria-label", label);
    form.addEventListener("submit", (event) => event.preventDefault());
    const status = document.createElement("p");
    status.className = "bb-view-status";
    status.setAttribute("role", "status");
    return [form, status];
  }

  // A heading and what follows it up to the next heading of its level or higher, hidden when none
  // of its items is shown.
  function hideEmptySections(article, itemSelector) {
    const headings = [...article.querySelectorAll("h2, h3")];
    for (const heading of headings) {
      const level = Number(heading.tagName[1]);
      const part = [];
      for (let next = heading.nextElementSibling; next; next = next.nextElementSibling) {
        if (/^H[1-3]$/.test(next.tagName) && Number(next.tagName[1]) <= level) break;
        part.push(next);
      }
      const items = part.flatMap((element) => [...element.querySelectorAll(itemSelector)]);
      if (!items.length) continue;
      const shown = items.some((item) => !item.hidden);
      heading.hidden = !shown;
      for (const element of part) {
        if (element.querySelector(itemSelector)) element.hidden = !element.querySelector(itemSelector + ":not([hidden])");
        else if (!/^H[1-3]$/.test(element.tagName)) element.hidden = !shown;
      }
    }
  }

  function timeline(options) {
    const article = options.closest("article") || document.body;
    const events = [...article.querySelectorAll("li.bb-event")];
    const [form, status] = toolbar("Filter the timeline");
    const selects = {};
    let group = null;
    for (const element of options.children) {
      if (element.classList.contains("bb-filter-label")) {
        group = element.textContent.trim();
        const select = document.createElement("select");
        select.name = group.toLowerCase();
        select.add(new Option(`Any ${select.name}`, ""));
        selects[select.name] = control(form, group, select);
      } else if (group && element.classList.contains("bb-option")) {
        const name = [...element.classList].find((c) => c.startsWith(`bb-${selects[group.toLowerCase()].name}-`));
        const id = name.slice(`bb-${group.toLowerCase()}-`.length);
        // only the values some event has: a filter never offers an empty list
        if (events.some((event) => event.classList.contains(name))) selects[group.toLowerCase()].add(new Option(element.textContent.trim(), id));
      }
    }
    function apply() {
      let shown = 0;
      for (const event of events) {
        const match = Object.values(selects).every((select) => !select.value || event.classList.contains(`bb-${select.name}-${select.value}`));
        event.hidden = !match;
        if (match) shown += 1;
      }
      hideEmptySections(article, "li.bb-event");
      status.textContent = shown === events.length ? `All ${events.length} events shown.` : `${shown} of ${events.length} events shown.`;
    }
    for (const select of Object.values(selects)) {
      if ([...select.options].some((option) => option.value === params.get(select.name))) select.value = params.get(select.name);
      select.addEventListener("change", () => { remember(select.name, select.value); apply(); });
    }
    options.replaceWith(form);
    form.after(status);
    apply();
  }

  function sources(items) {
    const article = items[0].closest("article") || document.body;
    const lists = [...new Set(items.map((item) => item.parentElement))];
    const [form, status] = toolbar("Filter and sort the sources");
    const words = document.createElement("input");
    words.type = "search";
    words.name = "q";
    words.placeholder = "Title, publisher, author, brief";
    control(form, "Filter", words);
    const order = document.createElement("select");
    order.name = "sort";
    for (const [value, label] of [["date", "Date, oldest first"], ["date-desc", "Date, newest first"], ["title", "Title"]]) order.add(new Option(label, value));
    control(form, "Sort by", order);
    const key = (item, by) => by === "title"
      ? item.querySelector("a").textContent.trim().toLocaleLowerCase()
      : (item.querySelector("time") || {}).dateTime || "";
    const text = new Map(items.map((item) => [item, item.textContent.toLocaleLowerCase()]));
    function apply() {
      const wanted = words.value.toLocaleLowerCase().split(/\s+/).filter(Boolean);
      let shown = 0;
      for (const item of items) {
        item.hidden = !wanted.every((word) => text.get(item).includes(word));
        if (!item.hidden) shown += 1;
      }
      const by = order.value;
      for (const list of lists) {
        const sorted = [...list.children].sort((a, b) => {
          const [x, y] = [key(a, by), key(b, by)];
          return (by === "date-desc" ? -1 : 1) * (x < y ? -1 : x > y ? 1 : 0);
        });
        list.append(...sorted);
      }
      hideEmptySections(article, "li.bb-source");
      status.textContent = shown === items.length ? `All ${items.length} sources shown.` : `${shown} of ${items.length} sources shown.`;
    }
    words.value = params.get("q") || "";
    if ([...order.options].some((option) => option.value === params.get("sort"))) order.value = params.get("sort");
    words.addEventListener("input", () => { remember("q", words.value.trim()); apply(); });
    order.addEventListener("change", () => { remember("sort", order.value === "date" ? "" : order.value); apply(); });
    lists[0].parentElement.insertBefore(form, article.querySelector("h2") || lists[0]);
    form.after(status);
    apply();
  }

  const options = document.querySelector(".bb-filter-options");
  if (options) timeline(options);
  const items = [...document.querySelectorAll("li.bb-source")];
  if (items.length) sources(items);
})();
