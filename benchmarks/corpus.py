"""A synthetic but realistic briefbook project of N briefs, the same for the same seed.

    python benchmarks/corpus.py N [--seed S] --out DIR

The project has an mkdocs.yml shaped like the repository's, docs/ (home, methodology,
stylesheet) and briefs/ with shared sources files (one per 50 theatres). It passes `briefbook check --strict`
(with SOURCE_DATE_EPOCH at or after REFERENCE_EPOCH; `max_age_days` is ten years).

Shape, per "theatre" of 20 briefs (a region with its own actors, issues and sources):
2 summits (10%), 6 issues (30%) and 12 actors (60%). Summits' agendas are drawn from a
bounded set of headline issues (sanctions, trade, ...), as real summits return to the same
few themes; three allies and two global powers exist once, whatever N. That keeps strict
validity (every participant and every ally states a position on each agenda issue) with
each brief of bounded size. Bodies are 300 to 600 words of prose with `[@source-id]`
citations, a sub-heading and a list; each brief has key judgments, indicators to watch and
timeline entries citing sources.

Other benchmarks import `write_corpus(n, seed, out)`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import shutil
from dataclasses import dataclass
from pathlib import Path

REFERENCE_EPOCH = "1767225600"  # 2026-01-01: set SOURCE_DATE_EPOCH to this for reproducible builds
REFERENCE_DATE = dt.date(2026, 1, 1)
THEATRE_SIZE = 20  # briefs per theatre: 2 summits, 6 issues, 12 actors
REPO = Path(__file__).resolve().parents[1]

HEADLINES = ["Sanctions relief", "Denuclearization", "Missile testing", "Trade and tariffs", "Maritime boundaries",
             "Climate finance", "Refugee flows", "Energy security", "Arms control", "Human rights", "Cyber norms",
             "Food security", "Public health", "Peace treaty", "Debt restructuring", "Export controls",
             "Fisheries access", "Water sharing", "Migration", "Counter-terrorism", "Nuclear safety", "Space security",
             "Border demarcation", "Critical minerals"]
ISSUE_TOPICS = ["port access", "pipeline routing", "election monitoring", "detained nationals", "border crossings",
                "grain exports", "airspace rights", "visa regime", "minority languages", "dam construction",
                "fishing quotas", "rail corridor", "peacekeeping mandate", "demining", "customs union",
                "currency swap", "prisoner exchange", "satellite launches", "naval exercises", "cultural heritage"]
SYLLABLES = ["ar", "bel", "cor", "dan", "el", "fa", "gor", "hal", "is", "jun", "kal", "lor", "mer", "nor", "os",
             "pel", "quin", "ros", "sal", "tor", "ul", "ven", "wes", "xan", "yor", "zel"]
CITIES = ["Geneva", "Vienna", "Singapore", "Hanoi", "Helsinki", "Reykjavik", "Oslo", "Doha", "Nairobi", "Lima",
          "Jakarta", "Astana", "Muscat", "Valletta", "Tbilisi", "Montevideo", "Accra", "Bratislava", "Baku", "Colombo"]
OFFICES = ["President", "Prime Minister", "Foreign Minister", "Party Chairman", "Defence Minister", "Special Envoy"]
FIRST = ["Ana", "Boris", "Chen", "Dara", "Emil", "Farah", "Goran", "Hana", "Ivo", "Jana", "Kenji", "Lena", "Marek",
         "Nadia", "Omar", "Petra", "Rafael", "Sora", "Tomas", "Yara"]
LAST = ["Abara", "Bendix", "Castel", "Dorn", "Eskola", "Ferro", "Galan", "Hollis", "Ivers", "Jansen", "Kovac",
        "Lindqvist", "Moreau", "Novak", "Okafor", "Park", "Quint", "Rahman", "Stoltz", "Varga"]
PUBLISHERS = ["Reuters", "Associated Press", "Foreign Ministry", "Presidential Office", "State news agency",
              "Congressional Research Service", "International Crisis Group", "United Nations", "Yonhap", "Kyodo"]
STANCES = ["maximum pressure", "step by step", "all at once", "freeze first", "dialogue without conditions",
           "sanctions first", "security guarantees first", "phased relief", "multilateral framework", "bilateral deal"]
LIKELIHOODS = ["almost no chance", "very unlikely", "unlikely", "roughly even chance", "likely", "very likely", "almost certain"]
OUTCOMES = ["agreement", "joint statement", "declaration", "no agreement", "no document"]
VERBS = ["pressed for", "rejected", "welcomed", "conditioned", "delayed", "tabled", "signalled support for",
         "linked", "downplayed", "reaffirmed", "offered", "insisted on"]
NOUNS = ["a phased roadmap", "verification by inspectors", "partial sanctions relief", "a liaison office",
         "a freeze on testing", "humanitarian exemptions", "a joint commission", "security guarantees",
         "a declaration of intent", "an inventory of facilities", "economic incentives", "a peace mechanism"]
CLAUSES = ["after months of preparatory talks", "despite pressure from hardliners at home", "while keeping allies informed",
           "in a statement released after the meeting", "according to officials familiar with the talks",
           "before the working-level channel collapsed", "as negotiators failed to agree on sequencing",
           "in line with earlier commitments", "without consulting the legislature", "under a tight deadline"]


@dataclass(frozen=True)
class CorpusInfo:
    briefs: int
    summits: int
    actors: int
    issues: int
    sources: int


def q(text: str) -> str:
    """A YAML double-quoted scalar: JSON strings are valid YAML."""
    return json.dumps(text, ensure_ascii=False)


def name(rng: random.Random, parts: int) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(parts)).capitalize()


def person(rng: random.Random) -> str:
    return f"{rng.choice(FIRST)} {rng.choice(LAST)}"


def day(rng: random.Random, start: int, end: int) -> dt.date:
    return dt.date(rng.randint(start, end), rng.randint(1, 12), rng.randint(1, 28))


def sentence(rng: random.Random, actor_titles: list[str]) -> str:
    return (f"{rng.choice(actor_titles)} {rng.choice(VERBS)} {rng.choice(NOUNS)} {rng.choice(CLAUSES)}, "
            f"and {rng.choice(actor_titles)} {rng.choice(VERBS)} {rng.choice(NOUNS)}.")


def prose(rng: random.Random, actor_titles: list[str], sources: list[str], sentences: int) -> str:
    text = " ".join(sentence(rng, actor_titles) for _ in range(sentences))
    cited = rng.sample(sources, min(len(sources), rng.randint(1, 2)))
    return f"{text} [@{'; @'.join(cited)}]"


class Writer:
    def __init__(self, n: int, seed: int, out: Path):
        self.rng = random.Random(seed)
        self.out = out
        self.n = n

    def plan(self) -> None:
        """Decide ids, titles and who states which position before writing any file."""
        rng, n = self.rng, self.n
        self.theatres = max(1, round(n / THEATRE_SIZE))
        n_summits = max(1, n // 10)
        n_issues = max(len(HEADLINES[:3]), n * 3 // 10)
        n_actors = n - n_summits - n_issues
        if n_actors < 5:
            raise SystemExit("write_corpus needs at least 20 briefs")
        self.headlines = [(h.lower().replace(" ", "-"), h) for h in HEADLINES[:max(3, min(len(HEADLINES), n_issues // 10))]]
        self.issues: list[tuple[str, str, int]] = [(iid, title, -1) for iid, title in self.headlines]  # (id, title, theatre)
        used = {iid for iid, _ in self.headlines}
        self.theatre_names = [name(rng, 2) for _ in range(self.theatres)]
        for i in range(n_issues - len(self.headlines)):
            t = i % self.theatres
            topic = rng.choice(ISSUE_TOPICS)
            title = f"{self.theatre_names[t]} {topic}"
            iid = _unique(title.lower().replace(" ", "-"), used)
            self.issues.append((iid, title.capitalize(), t))
        self.issue_title = {iid: title for iid, title, _ in self.issues}
        self.theatre_issues: dict[int, list[str]] = {}
        for iid, _, t in self.issues:
            self.theatre_issues.setdefault(t, []).append(iid)

        # actors: three allies and two global powers, then each theatre's own
        self.actors: dict[str, dict] = {}
        roles = ["ally"] * 3 + ["principal"] * 2
        for i in range(n_actors):
            role = roles[i] if i < len(roles) else rng.choice(["principal", "counterpart", "counterpart", "stakeholder", "stakeholder", "stakeholder"])
            t = -1 if i < len(roles) else (i - len(roles)) % self.theatres
            title = name(rng, rng.randint(2, 3)) + rng.choice(["", "ia", "an", "istan", " Republic", " Federation", " Workers' Party", " Union"])
            aid = _unique(title.lower().replace(" ", "-").replace("'", ""), used)
            own = self.theatre_issues.get(t) or [iid for iid, _ in self.headlines]
            held = rng.sample(own, min(len(own), rng.randint(2, 5)))
            if role == "ally":
                held = [iid for iid, _ in self.headlines] + [h for h in held if h not in dict(self.headlines)]
            self.actors[aid] = {"title": title, "role": role, "theatre": t, "positions": dict.fromkeys(held)}
        self.theatre_actors: dict[int, list[str]] = {}
        for aid, a in self.actors.items():
            self.theatre_actors.setdefault(a["theatre"], []).append(aid)
        powers = [aid for aid, a in self.actors.items() if a["theatre"] == -1 and a["role"] == "principal"]

        # summits: two to four participants of one theatre, often with a global power; agendas of headline issues
        self.summits: dict[str, dict] = {}
        for i in range(n_summits):
            t = i % self.theatres
            local = self.theatre_actors.get(t) or powers
            participants = rng.sample(local, min(len(local), rng.randint(2, 3)))
            if rng.random() < 0.3:
                participants.append(rng.choice(powers))
            agenda = rng.sample([iid for iid, _ in self.headlines], rng.randint(1, 3))
            for aid in participants:  # every participant states a position on each agenda issue
                for iid in agenda:
                    self.actors[aid]["positions"].setdefault(iid)
            date = day(rng, 1995, 2025)
            city = rng.choice(CITIES)
            title = f"{city} summit {date.year}"
            sid = _unique(title.lower().replace(" ", "-"), used)
            self.summits[sid] = {"title": title, "date": date, "city": city, "theatre": t, "participants": participants, "agenda": agenda}

        # sources: a pool per theatre and a few cited everywhere
        self.global_sources = [f"src-global-{i}" for i in range(20)]
        self.theatre_sources = {t: [f"src-{t + 1}-{i}" for i in range(12)] for t in range(-1, self.theatres)}  # theatre -1: the world stage

    def sources_for(self, theatre: int) -> list[str]:
        return self.theatre_sources[theatre] + self.global_sources[:5]

    def common(self, title: str, theatre: int, tags: list[str], watch_issues: list[str]) -> tuple[list[str], list[str]]:
        rng = self.rng
        sources = self.sources_for(theatre)
        reviewed = REFERENCE_DATE - dt.timedelta(days=rng.randint(10, 500))
        lines = [f"title: {q(title)}", f"summary: {q(sentence(rng, self.titles_near(theatre)))}", f"reviewed: {reviewed.isoformat()}"]
        if rng.random() < 0.5:
            lines.append(f"next_review: {(REFERENCE_DATE + dt.timedelta(days=rng.randint(1500, 2500))).isoformat()}")
        lines.append(f"tags: [{', '.join(q(t) for t in tags)}]")
        lines.append("key_judgments:")
        for _ in range(rng.randint(1, 3)):
            lines += [f"  - text: {q(sentence(rng, self.titles_near(theatre)))}", f"    likelihood: {rng.choice(LIKELIHOODS)}",
                      f"    confidence: {rng.choice(['high', 'moderate', 'low'])}", f"    sources: [{', '.join(rng.sample(sources, 2))}]"]
        lines.append("what_to_watch:")
        for _ in range(rng.randint(1, 2)):
            lines += [f"  - indicator: {q(sentence(rng, self.titles_near(theatre)))}",
                      f"    why: {q('It would show whether ' + rng.choice(NOUNS) + ' is still on the table.')}",
                      f"    status: {rng.choice(['watching', 'watching', 'observed', 'not observed'])}"]
            if watch_issues and rng.random() < 0.7:
                lines.append(f"    issue: {rng.choice(watch_issues)}")
        lines.append("timeline:")
        for _ in range(rng.randint(2, 4)):
            lines += [f"  - date: {day(rng, 1995, 2025).isoformat()}", f"    title: {q(rng.choice(VERBS).capitalize() + ' ' + rng.choice(NOUNS))}",
                      f"    detail: {q(sentence(rng, self.titles_near(theatre)))}", f"    sources: [{rng.choice(sources)}]"]
        return lines, sources

    def titles_near(self, theatre: int) -> list[str]:
        return [self.actors[a]["title"] for a in self.theatre_actors.get(theatre, [])[:6]] or ["The envoy"]

    def body(self, theatre: int, sources: list[str]) -> str:
        rng = self.rng
        near = self.titles_near(theatre)
        paragraphs = [prose(rng, near, sources, rng.randint(3, 5)) for _ in range(rng.randint(2, 3))]
        points = [f"- {sentence(rng, near)} [@{rng.choice(sources)}]" for _ in range(rng.randint(2, 4))]
        later = [prose(rng, near, sources, rng.randint(3, 5)) for _ in range(rng.randint(1, 2))]
        return "\n\n".join([*paragraphs, "### What changed", "\n".join(points), *later]) + "\n"

    def write(self) -> CorpusInfo:
        out = self.out
        briefs = out / "briefs"
        for folder in ("summits", "actors", "issues", "sources"):
            (briefs / folder).mkdir(parents=True, exist_ok=True)
        self.write_sources(briefs / "sources")
        for iid, title, t in self.issues:
            related = rng_sample(self.rng, [i for i in self.theatre_issues[t] if i != iid], 2)
            if t != -1:
                related.append(self.rng.choice(self.headlines)[0])
            lines, sources = self.common(title, t, [title.split()[-1].lower()], [iid])
            lines.append(f"related: [{', '.join(related)}]")
            self.write_brief(briefs / "issues" / f"{iid}.md", "issue", lines, t, sources)
        for aid, a in self.actors.items():
            rng = self.rng
            lines, sources = self.common(a["title"], a["theatre"], [a["role"], "region-" + str(a["theatre"] + 1)], list(a["positions"]))
            lines += [f"role: {a['role']}", "leaders:"]
            for _ in range(rng.randint(1, 3)):
                start = rng.randint(1990, 2020)
                lines += [f"  - name: {q(person(rng))}", f"    office: {q(rng.choice(OFFICES))}", f"    term: {q(f'{start}–{start + rng.randint(1, 8)}')}"]
            lines.append("positions:")
            for iid in a["positions"]:
                lines += [f"  {iid}:", f"    stance: {q(rng.choice(STANCES))}", f"    priority: {rng.choice(['high', 'medium', 'low'])}",
                          f"    summary: {q(sentence(rng, self.titles_near(a['theatre'])) + ' ' + sentence(rng, self.titles_near(a['theatre'])))}",
                          f"    sources: [{', '.join(rng.sample(sources, 2))}]"]
            self.write_brief(briefs / "actors" / f"{aid}.md", "actor", lines, a["theatre"], sources)
        for sid, s in self.summits.items():
            rng = self.rng
            lines, sources = self.common(s["title"], s["theatre"], ["summit", s["city"].lower()], s["agenda"])
            end = s["date"] + dt.timedelta(days=rng.randint(0, 2))
            lines += [f"date: {s['date'].isoformat()}", f"end_date: {end.isoformat()}", "location:", f"  city: {q(s['city'])}",
                      f"  country: {q(name(rng, 2))}", f"  venue: {q(rng.choice(['Government House', 'Grand Hotel', 'Palace of Nations', 'Convention Centre']))}",
                      "participants:"]
            for aid in s["participants"]:
                lines += [f"  - actor: {aid}", "    people:"]
                for _ in range(rng.randint(1, 3)):
                    lines += [f"      - name: {q(person(rng))}", f"        role: {q(rng.choice(OFFICES))}"]
            lines += [f"outcome: {rng.choice(OUTCOMES)}", f"agenda: [{', '.join(s['agenda'])}]"]
            self.write_brief(briefs / "summits" / f"{sid}.md", "summit", lines, s["theatre"], sources)
        return CorpusInfo(self.n, len(self.summits), len(self.actors), len(self.issues), self.n_sources)

    def write_brief(self, path: Path, kind: str, lines: list[str], theatre: int, sources: list[str]) -> None:
        text = f"---\nkind: {kind}\n" + "\n".join(lines) + f"\n---\n{self.body(theatre, sources)}"
        path.write_text(text, encoding="utf-8")

    def write_sources(self, folder: Path) -> None:
        """The shared sources, one file per 50 theatres: a file stays well under the loader's 1 MB limit."""
        ids = self.global_sources + [s for t in sorted(self.theatre_sources) for s in self.theatre_sources[t]]
        self.n_sources = len(ids)
        per_file = 50 * 12
        for k in range(0, len(ids), per_file):
            self.write_source_file(folder / f"shared-{k // per_file + 1}.yml", ids[k:k + per_file])

    def write_source_file(self, path: Path, ids: list[str]) -> None:
        rng = self.rng
        lines = ["sources:"]
        for sid in ids:
            lines += [f"  - id: {sid}", f"    title: {q(rng.choice(VERBS).capitalize() + ' ' + rng.choice(NOUNS) + ', ' + rng.choice(CLAUSES))}",
                      f"    publisher: {q(rng.choice(PUBLISHERS))}", f"    date: {day(rng, 1995, 2025).isoformat()}",
                      f"    url: https://example.org/{sid}"]
            if rng.random() < 0.4:
                lines.append(f"    author: {q(person(rng))}")
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def rng_sample(rng: random.Random, items: list[str], k: int) -> list[str]:
    return rng.sample(items, min(k, len(items)))


def _unique(base: str, used: set[str]) -> str:
    candidate, i = base, 2
    while candidate in used:
        candidate, i = f"{base}-{i}", i + 1
    used.add(candidate)
    return candidate


MKDOCS_YML = """\
site_name: "Synthetic briefing book: {n} briefs (seed {seed})"
site_description: A generated corpus for briefbook's benchmarks.
site_author: briefbook

theme:
  name: material
  language: en
  font: false
  features:
    - navigation.indexes
    - navigation.prune
    - navigation.top
    - navigation.footer
    - search.suggest
    - search.highlight
    - content.action.edit
    - content.tooltips

nav:
  - Home: index.md
  - Summits: summits/index.md
  - Actors: actors/index.md
  - Issues: issues/index.md
  - Compare: views/index.md
  - About:
      - methodology.md

plugins:
  - search:
      separator: '[\\s\\-,:!=\\[\\]()"/]+|\\.(?!\\d)'
  - tags
  - briefbook:
      briefs_dir: briefs
      templates_dir: templates
      max_age_days: 3650

markdown_extensions:
  - admonition
  - attr_list
  - def_list
  - footnotes
  - md_in_html
  - tables
  - pymdownx.details
  - pymdownx.superfences
  - toc:
      permalink: true

extra_css:
  - assets/briefbook.css

validation:
  omitted_files: warn
  absolute_links: warn
  unrecognized_links: warn
  anchors: warn
"""


def write_corpus(n: int, seed: int, out: Path) -> CorpusInfo:
    """Write a project of n briefs into `out` (created if missing; must not hold briefs/ already)."""
    out = Path(out)
    if (out / "briefs").exists():
        raise FileExistsError(f"{out / 'briefs'} exists; write into a new folder")
    writer = Writer(n, seed, out)
    writer.plan()
    info = writer.write()
    (out / "mkdocs.yml").write_text(MKDOCS_YML.format(n=n, seed=seed), encoding="utf-8")
    docs = out / "docs"
    (docs / "assets").mkdir(parents=True, exist_ok=True)
    shutil.copyfile(REPO / "docs" / "assets" / "briefbook.css", docs / "assets" / "briefbook.css")
    (docs / "index.md").write_text(
        f"# Synthetic briefing book\n\n{info.summits} summits, {info.actors} actors and {info.issues} issues, "
        f"generated with seed {seed} for briefbook's benchmarks. Start with the [summits](summits/index.md) "
        "or compare positions in the [matrix](views/matrix.md).\n", encoding="utf-8")
    (docs / "methodology.md").write_text(
        "# Methodology\n\nEvery brief here is generated: names, events and sources are invented. "
        "The structure (kinds, positions, citations, timelines) follows the real briefing book.\n", encoding="utf-8")
    return info


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("n", type=int, help="number of briefs (at least 20)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, required=True, help="a new folder for the project")
    args = parser.parse_args()
    info = write_corpus(args.n, args.seed, args.out)
    print(f"wrote {info.briefs} briefs ({info.summits} summits, {info.actors} actors, {info.issues} issues) "
          f"and {info.sources} sources to {args.out}")


if __name__ == "__main__":
    main()
