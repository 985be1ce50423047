// The header search box over the Pagefind index (built by briefbook into pagefind/).
// Pagefind loads on the first focus of the box (before the first key), and fetches only the index
// chunks a query needs. Every result is reachable: the list grows by a page at a time. Each result
// opens at its best-matching section, and lists the other sections that match. The arrow keys move
// through the results, Enter opens one, Escape closes the box. The facets count what the query
// finds; maintainers' pages are a facet of their own, off until chosen.
(function () {
  "use strict";

  const form = document.querySelector("[data-bb-search-form]");
  if (!form) return;
  const input = form.querySelector("[data-bb-search-query]");
  const toggle = document.getElementById("__search");
  const facets = document.querySelector("[data-bb-search-facets]");
  const narrow = document.querySelector("[data-bb-search-narrow]");
  const status = document.querySelector("[data-bb-search-status]");
  const list = document.querySelector("[data-bb-search-results]");
  const more = document.querySelector("[data-bb-search-more]");
  const config = JSON.parse(document.getElementById("__config").textContent);
  const base = new URL(config.base.replace(/\/?$/, "/"), location.href);
  // [filter, label, the value chosen until the reader changes it, what "any value" is called]
  const FACETS = [["audience", "Pages", "Readers", "All pages"], ["kind", "Kind"], ["actor", "Actor"], ["issue", "Issue"], ["tag", "Tag"]];
  const PAGE = 10;
  const SECTIONS = 2;  // sections listed under a result, besides the one it opens at
  let pagefind = null;
  let latest = 0;
  let current = null;  // the search the list shows: {results, shown}
  let totals = {};

  function load() {
    if (!pagefind) {
      pagefind = import(new URL("pagefind/pagefind.js", base).href).then(async (module) => {
        // Result URLs are root-relative; keep them right when the site lives under a sub-path.
        // A brief is long by design: a weaker length penalty (Pagefind's default is 0.75) keeps the
        // Hanoi summit brief, which says "Yongbyon" most, above the short pages that mention it once.
        await module.options({ baseUrl: base.pathname, excerptLength: 24, ranking: { pageLength: 0.3 } });
        await module.init();
        totals = await module.filters();
        showFacets(totals);
        return module;
      });
      pagefind.catch(() => {
        status.textContent = "Search is unavailable: its index could not be loaded.";
      });
    }
    return pagefind;
  }

  function showFacets(available) {
    for (const [key, label, preset, anyLabel] of FACETS) {
      const values = Object.keys(available[key] || {}).sort((a, b) => a.localeCompare(b));
      if (!values.length || (key === "audience" && values.length < 2)) continue;
      const field = document.createElement("label");
      field.className = "bb-search-facet";
      const name = document.createElement("span");
      name.textContent = label;
      const select = document.createElement("select");
      select.name = key;
      select.add(new Option(anyLabel || "Any", ""));
      for (const value of values) select.add(new Option(value, value));
      if (preset && values.includes(preset)) select.value = preset;
      select.addEventListener("change", run);
      field.append(name, select);
      facets.append(field);
    }
    facets.hidden = !facets.querySelector("select");
    narrow.hidden = facets.hidden;
    // open where there is room beside the results; on a phone, a line that opens them
    narrow.open = matchMedia("(min-width: 45em)").matches;
    showCounts({});
  }

  // Each value's count: the pages the query finds with that value and the other facets' choices.
  function showCounts(counts) {
    for (const select of facets.querySelectorAll("select")) {
      const known = counts[select.name] || totals[select.name] || {};
      for (const option of select.options) {
        if (!option.value) continue;
        const count = known[option.value] || 0;
        option.textContent = `${option.value} (${count})`;
        option.disabled = count === 0 && option.value !== select.value;
      }
    }
  }

  function chosenFilters(except) {
    const chosen = {};
    for (const select of facets.querySelectorAll("select")) {
      if (select.value && select.name !== except) chosen[select.name] = select.value;
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

  // Pagefind opens an excerpt with its section's heading, or its page's title, which the result names already.
  function withoutHeading(nodes, heading) {
    const escaped = heading.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    const opening = nodes.map((node) => node.textContent).join("").match(new RegExp(`^\\s*${escaped}[.:]?\\s*`, "i"));
    let left = opening ? opening[0].length : 0;
    const kept = [];
    for (const node of nodes) {
      const length = node.textContent.length;
      if (left >= length) {
        left -= length;
        continue;
      }
      if (left) node.textContent = node.textContent.slice(left);
      left = 0;
      kept.push(node);
    }
    return kept;
  }

  const score = (section) => (section.weighted_locations || []).reduce((sum, at) => sum + at.balanced_score, 0) || section.locations.length;

  // The sections of a page that match, best first: those under a heading of the page below its title.
  function sections(data) {
    return (data.sub_results || []).filter((section) => section.url.includes("#") && section.title !== data.meta.title)
      .sort((a, b) => score(b) - score(a));
  }

  function resultItem(data) {
    const item = document.createElement("li");
    item.className = "md-search-result__item";
    const matching = sections(data);
    const top = (data.sub_results || []).filter((section) => !matching.includes(section));
    const best = matching.length && (!top.length || score(matching[0]) >= Math.max(...top.map(score))) ? matching[0] : null;
    const link = document.createElement("a");
    link.className = "md-search-result__link";
    link.href = best ? best.url : data.url;
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
    article.append(title);
    if (best) {
      const where = document.createElement("p");
      where.className = "bb-search-section";
      where.textContent = `§ ${best.title}`;
      article.append(where);
    }
    const text = document.createElement("p");
    const excerpt = excerptNodes((best || data).excerpt || "");
    text.append(...withoutHeading(excerpt, best ? best.title : data.meta.title || ""));
    article.append(text);
    link.append(article);
    item.append(link);
    const others = matching.filter((section) => section !== best).slice(0, SECTIONS);
    if (others.length) {
      const nested = document.createElement("ul");
      nested.className = "bb-search-sections";
      for (const section of others) {
        const entry = document.createElement("li");
        const to = document.createElement("a");
        to.href = section.url;
        to.className = "bb-search-section-link";
        const name = document.createElement("strong");
        name.textContent = section.title;
        to.append(name, " ", ...withoutHeading(excerptNodes(section.excerpt || ""), section.title));
        entry.append(to);
        nested.append(entry);
      }
      item.append(nested);
    }
    return item;
  }

  function showStatus() {
    const total = current ? current.results.length : 0;
    const shown = current ? current.shown : 0;
    status.textContent = total === 0 ? "No matching documents"
      : total === 1 ? "1 matching document"
      : shown < total ? `${total} matching documents, ${shown} shown`
      : `${total} matching documents`;
    const left = total - shown;
    more.hidden = left <= 0;
    more.textContent = left > PAGE ? `Show ${PAGE} more (${left} not shown)` : `Show the last ${left}`;
  }

  // The next results, fetched together and shown in order as each arrives (the first need not wait
  // for the tenth); `focusFirst` gives the first of them the focus, for the keyboard to carry on.
  async function showMore(ticket, focusFirst = false) {
    more.hidden = true;  // until these are in: a second press would ask for the same ones again
    const loading = current.results.slice(current.shown, current.shown + PAGE).map((result) => result.data());
    for (const pending of loading) {
      const data = await pending;
      if (ticket !== latest) return false;
      const item = resultItem(data);
      list.append(item);
      if (focusFirst) item.querySelector("a").focus();
      focusFirst = false;
      current.shown += 1;
    }
    showStatus();
    return true;
  }

  // One search at a time, and none for a query already typed over: a reader typing at eight keys
  // a second would otherwise queue a search per key in Pagefind's worker, and the last key's
  // search, the one they wait for, would run behind all of them.
  let searching = Promise.resolve();
  async function searchFor(module, ticket, query, filters) {
    await searching;
    if (ticket !== latest) return null;
    const search = module.search(query || null, { filters });
    searching = search.catch(() => null);
    return search;
  }

  async function run() {
    const query = input.value.trim();
    const ticket = ++latest;
    const module = await load();
    if (ticket !== latest) return;
    const filters = chosenFilters();  // once the facets are there: the first keys come before they are
    const chosen = Object.keys(filters).filter((key) => key !== "audience" || filters.audience !== "Readers");
    if (!query && !chosen.length) {
      list.replaceChildren();
      current = null;
      showCounts({});
      status.textContent = "Type to start searching";
      more.hidden = true;
      done(query, filters);
      return;
    }
    // An empty query with a facet chosen lists every page of that facet.
    const search = await searchFor(module, ticket, query, filters);
    if (ticket !== latest || !search) return;
    current = { results: search.results, shown: 0 };
    list.replaceChildren();
    if (!(await showMore(ticket))) return;
    // The counts after the results, which a reader waits for: a chosen facet counts its values
    // without its own choice, in a search of its own.
    const counts = { ...search.filters };
    for (const key of Object.keys(filters)) {
      const without = await searchFor(module, ticket, query, chosenFilters(key));
      if (ticket !== latest) return;
      counts[key] = (without && without.filters[key]) || {};
    }
    showCounts(counts);
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

  // The places the arrow keys move between: each result, its sections, and the "show more" button.
  function stops() {
    return [...list.querySelectorAll("a"), ...(more.hidden ? [] : [more])];
  }

  function move(event) {
    if (event.key !== "ArrowDown" && event.key !== "ArrowUp") return;
    const all = stops();
    if (!all.length) return;
    event.preventDefault();
    const at = all.indexOf(document.activeElement);
    const next = event.key === "ArrowDown" ? Math.min(at + 1, all.length - 1) : at - 1;
    if (next < 0) input.focus();
    else {
      all[next].focus();
      all[next].scrollIntoView({ block: "nearest" });
    }
  }

  input.addEventListener("focus", open);
  input.addEventListener("input", run);
  input.addEventListener("keydown", move);
  list.addEventListener("keydown", move);
  more.addEventListener("keydown", move);
  more.addEventListener("click", async () => {
    if (current) await showMore(latest, true);
  });
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
