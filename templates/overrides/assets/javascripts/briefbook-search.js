// The header search box over the Pagefind index (built by briefbook into pagefind/).
// Pagefind loads on the first focus of the box and fetches only the index chunks a query needs.
(function () {
  "use strict";

  const form = document.querySelector("[data-bb-search-form]");
  if (!form) return;
  const input = form.querySelector("[data-bb-search-query]");
  const toggle = document.getElementById("__search");
  const facets = document.querySelector("[data-bb-search-facets]");
  const status = document.querySelector("[data-bb-search-status]");
  const list = document.querySelector("[data-bb-search-results]");
  const config = JSON.parse(document.getElementById("__config").textContent);
  const base = new URL(config.base.replace(/\/?$/, "/"), location.href);
  const FACETS = [["kind", "Kind"], ["actor", "Actor"], ["issue", "Issue"], ["tag", "Tag"]];
  const SHOWN = 10;
  let pagefind = null;
  let latest = 0;

  function load() {
    if (!pagefind) {
      pagefind = import(new URL("pagefind/pagefind.js", base).href).then(async (module) => {
        // Result URLs are root-relative; keep them right when the site lives under a sub-path.
        // A brief is long by design: a weaker length penalty (Pagefind's default is 0.75) keeps the
        // Hanoi summit brief, which says "Yongbyon" most, above the short pages that mention it once.
        await module.options({ baseUrl: base.pathname, excerptLength: 24, ranking: { pageLength: 0.3 } });
        await module.init();
        showFacets(await module.filters());
        return module;
      });
      pagefind.catch(() => {
        status.textContent = "Search is unavailable: its index could not be loaded.";
      });
    }
    return pagefind;
  }

  function showFacets(available) {
    for (const [key, label] of FACETS) {
      const values = Object.keys(available[key] || {}).sort((a, b) => a.localeCompare(b));
      if (!values.length) continue;
      const field = document.createElement("label");
      field.className = "bb-search-facet";
      const name = document.createElement("span");
      name.textContent = label;
      const select = document.createElement("select");
      select.name = key;
      select.add(new Option("Any", ""));
      for (const value of values) select.add(new Option(`${value} (${available[key][value]})`, value));
      select.addEventListener("change", run);
      field.append(name, select);
      facets.append(field);
    }
    facets.hidden = !facets.querySelector("select");
  }

  function chosenFilters() {
    const chosen = {};
    for (const select of facets.querySelectorAll("select")) {
      if (select.value) chosen[select.name] = select.value;
    }
    return chosen;
  }

  // Pagefind's excerpts are plain text with <mark> around the hits; build them as nodes, never as HTML.
  function excerptNodes(excerpt) {
    const scratch = document.createElement("textarea");
    const nodes = [];
    excerpt.split(/(<mark>.*?<\/mark>)/).forEach((part) => {
      const marked = part.startsWith("<mark>");
      scratch.innerHTML = marked ? part.slice(6, -7) : part;
      const text = document.createTextNode(scratch.value);
      if (marked) {
        const mark = document.createElement("mark");
        mark.append(text);
        nodes.push(mark);
      } else {
        nodes.push(text);
      }
    });
    return nodes;
  }

  function resultItem(data) {
    const item = document.createElement("li");
    item.className = "md-search-result__item";
    const link = document.createElement("a");
    link.className = "md-search-result__link";
    link.href = data.url;
    const article = document.createElement("article");
    article.className = "md-search-result__article md-typeset";
    const kind = (data.filters && data.filters.kind && data.filters.kind[0]) || "";
    const title = document.createElement("h1");
    title.textContent = data.meta.title || data.url;
    if (kind) {
      const badge = document.createElement("span");
      badge.className = "bb-search-kind";
      badge.textContent = kind;
      title.prepend(badge, " ");
    }
    const text = document.createElement("p");
    text.append(...excerptNodes(data.excerpt || ""));
    article.append(title, text);
    link.append(article);
    item.append(link);
    return item;
  }

  async function run() {
    const query = input.value.trim();
    const filters = chosenFilters();
    const ticket = ++latest;
    if (!query && !Object.keys(filters).length) {
      list.replaceChildren();
      status.textContent = "Type to start searching";
      done(query, filters);
      return;
    }
    const module = await load();
    // An empty query with a facet chosen lists every page of that facet.
    const search = await module.search(query || null, { filters });
    if (ticket !== latest || !search) return;
    const found = await Promise.all(search.results.slice(0, SHOWN).map((result) => result.data()));
    if (ticket !== latest) return;
    list.replaceChildren(...found.map(resultItem));
    const total = search.results.length;
    status.textContent = total === 0 ? "No matching documents"
      : total === 1 ? "1 matching document"
      : total > SHOWN ? `${total} matching documents, the first ${SHOWN} shown`
      : `${total} matching documents`;
    done(query, filters);
  }

  // What the list shows now, for scripts and tests that wait for a query's results.
  function done(query, filters) {
    list.dataset.query = query;
    list.dataset.filters = JSON.stringify(filters);
  }

  function open() {
    if (!toggle.checked) toggle.checked = true;
    load();
  }

  input.addEventListener("focus", open);
  input.addEventListener("input", run);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const first = list.querySelector("a");
    if (first) location.href = first.href;
  });
  form.addEventListener("reset", () => {
    setTimeout(() => { run(); input.focus(); });
  });
  toggle.addEventListener("change", () => {
    if (toggle.checked) input.focus();
  });
  document.addEventListener("keydown", (event) => {
    const typing = event.target.closest && event.target.closest("input, select, textarea, [contenteditable]");
    if (event.key === "Escape" && toggle.checked) {
      toggle.checked = false;
      input.blur();
    } else if (!typing && (event.key === "/" || event.key === "s") && !event.ctrlKey && !event.metaKey && !event.altKey) {
      event.preventDefault();
      input.focus();
    }
  });
})();
