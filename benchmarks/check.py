"""How fast is `briefbook check` on a large corpus, against the floor of just parsing the YAML?

    python benchmarks/check.py [N] [--seed S] [--repeat R] [--keep DIR] [--profile]

Generates N synthetic valid briefs (mostly actors with ~7 positions, then issues and
summits; one shared sources file; bodies of a few paragraphs with `[@id]` citations)
in a temporary folder, then times, best of R runs:

- floor: read every file and parse its front matter with yaml.load(..., CSafeLoader), nothing else;
- load_corpus: briefbook's load, validate and link, in this process (as the plugin runs it);
- CLI: `briefbook check` in a subprocess (interpreter start-up and imports included).

These run with no cache (`BRIEFBOOK_NO_CACHE=1`), as a first run does; then `briefbook check`
once more with the cache of the run before (nothing changed), as `check --watch` and each
later run do.

`--profile` prints the cProfile top functions of a one-process load_corpus.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import platform
import pstats
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

from briefbook.corpus.load import load_corpus
from briefbook.files.store import DISABLE_VARIABLE
from briefbook.format.settings import read_settings

TODAY_EPOCH = "1735689600"  # 2025-01-01: every generated brief is reviewed within the last year
WORDS = ("the talks sanctions relief verification summit envoy statement negotiators missile launch regime "
         "pressure diplomacy freeze dismantle inspectors enrichment facility declaration roadmap allies "
         "security guarantee peace treaty humanitarian exchange liaison office economic incentives").split()
STANCES = ["maximum pressure", "step by step", "all at once", "freeze first", "dialogue without conditions",
           "sanctions first", "security guarantees first", "no position"]
LIKELIHOODS = ["almost no chance", "very unlikely", "unlikely", "roughly even chance", "likely", "very likely", "almost certain"]


def sentence(rng: random.Random, n: int) -> str:
    words = [rng.choice(WORDS) for _ in range(n)]
    return " ".join(words).capitalize() + "."


def body(rng: random.Random, source_ids: list[str]) -> str:
    paragraphs = []
    for _ in range(rng.randint(3, 5)):
        text = " ".join(sentence(rng, rng.randint(8, 18)) for _ in range(rng.randint(3, 6)))
        cited = rng.sample(source_ids, rng.randint(1, 2))
        paragraphs.append(f"{text} [@{'; @'.join(cited)}]")
    return "## Analysis\n\n" + "\n\n".join(paragraphs) + "\n"


def common(rng: random.Random, title: str, source_ids: list[str]) -> str:
    month, day = rng.randint(2, 12), rng.randint(1, 28)
    lines = [
        f"title: {title}",
        f"summary: {sentence(rng, 20)}",
        f"reviewed: 2024-{month:02d}-{day:02d}",
        f"tags: [{rng.choice(WORDS)}, {rng.choice(WORDS)}]",
        "key_judgments:",
    ]
    for _ in range(rng.randint(1, 3)):
        lines += [
            f"  - text: {sentence(rng, 14)}",
            f"    likelihood: {rng.choice(LIKELIHOODS)}",
            f"    confidence: {rng.choice(['high', 'moderate', 'low'])}",
            f"    sources: [{', '.join(rng.sample(source_ids, 2))}]",
        ]
    lines.append("what_to_watch:")
    for _ in range(rng.randint(1, 2)):
        lines += [f"  - indicator: {sentence(rng, 8)}", f"    why: {sentence(rng, 12)}"]
    lines.append("timeline:")
    for _ in range(rng.randint(1, 3)):
        lines += [
            f"  - date: {rng.randint(2000, 2024)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
            f"    title: {sentence(rng, 6)}",
            f"    sources: [{rng.choice(source_ids)}]",
        ]
    return "\n".join(lines) + "\n"


def generate(root: Path, n: int, seed: int) -> int:
    """Write n briefs and one shared sources file under root/briefs; return the number of files."""
    rng = random.Random(seed)
    briefs = root / "briefs"
    for folder in ("actors", "issues", "summits", "sources"):
        (briefs / folder).mkdir(parents=True)
    n_issues = max(8, n * 12 // 100)
    n_summits = max(1, n * 5 // 100)
    n_actors = max(2, n - n_issues - n_summits)
    source_ids = [f"source-{i}" for i in range(max(50, n // 5))]
    issue_ids = [f"issue-{i}" for i in range(n_issues)]

    with open(briefs / "sources" / "shared.yml", "w", encoding="utf-8") as out:
        out.write("sources:\n")
        for sid in source_ids:
            out.write(f"  - id: {sid}\n    title: {sentence(rng, 7)}\n    publisher: {rng.choice(['Reuters', 'KCNA', 'White House', 'Yonhap'])}\n"
                      f"    date: 20{rng.randint(10, 24)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}\n"
                      f"    url: https://example.org/{sid}\n")

    for iid in issue_ids:
        related = rng.sample(issue_ids, 2)
        text = f"---\nkind: issue\n{common(rng, sentence(rng, 3), source_ids)}related: [{', '.join(related)}]\n---\n{body(rng, source_ids)}"
        (briefs / "issues" / f"{iid}.md").write_text(text, encoding="utf-8")

    positions: dict[str, list[str]] = {}
    for i in range(n_actors):
        aid = f"actor-{i}"
        held = rng.sample(issue_ids, min(len(issue_ids), rng.randint(5, 9)))
        positions[aid] = held
        lines = [f"role: {rng.choice(['principal', 'counterpart', 'stakeholder'])}", "leaders:",
                 f"  - name: {sentence(rng, 2)[:-1]}", "    office: President", "    term: 2017–2021", "positions:"]
        for iid in held:
            lines += [f"  {iid}:", f"    stance: {rng.choice(STANCES)}", f"    priority: {rng.choice(['high', 'medium', 'low'])}",
                      f"    summary: {sentence(rng, 16)}", f"    sources: [{', '.join(rng.sample(source_ids, 2))}]"]
        text = f"---\nkind: actor\n{common(rng, sentence(rng, 2), source_ids)}" + "\n".join(lines) + f"\n---\n{body(rng, source_ids)}"
        (briefs / "actors" / f"{aid}.md").write_text(text, encoding="utf-8")

    actor_ids = list(positions)
    for i in range(n_summits):
        a, b = rng.sample(actor_ids, 2)
        agenda = sorted(set(positions[a]) & set(positions[b]))  # every participant states a position on each agenda item
        lines = [f"date: 2019-{rng.randint(1, 12):02d}-{rng.randint(1, 27):02d}",
                 "location:", "  city: Hanoi", "  country: Vietnam", "  venue: Metropole hotel", "participants:"]
        for actor in (a, b):
            lines += [f"  - actor: {actor}", "    people:", f"      - name: {sentence(rng, 2)[:-1]}", "        role: head of delegation"]
        lines.append(f"outcome: {rng.choice(['agreement', 'no agreement', 'joint statement'])}")
        if agenda:
            lines.append(f"agenda: [{', '.join(agenda)}]")
        text = f"---\nkind: summit\n{common(rng, sentence(rng, 3), source_ids)}" + "\n".join(lines) + f"\n---\n{body(rng, source_ids)}"
        (briefs / "summits" / f"summit-{i}.md").write_text(text, encoding="utf-8")
    return n_issues + n_actors + n_summits + 1


def floor(briefs: Path) -> int:
    """Read every file and parse its front matter with the C YAML loader: the least any check can do."""
    count = 0
    for folder, _, files in os.walk(briefs):
        for name in files:
            text = Path(folder, name).read_text(encoding="utf-8")
            if name.endswith(".md"):
                text = text.split("\n---\n", 1)[0][4:]
            yaml.load(text, Loader=yaml.CSafeLoader)
            count += 1
    return count


def best_of(repeat: int, fn) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("n", nargs="?", type=int, default=10_000, help="number of briefs (default 10000)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement; the best is kept (default 3)")
    parser.add_argument("--keep", type=Path, help="generate into this (new) folder and keep it")
    parser.add_argument("--profile", action="store_true", help="print where load_corpus spends its time")
    args = parser.parse_args()
    os.environ["SOURCE_DATE_EPOCH"] = TODAY_EPOCH
    os.environ[DISABLE_VARIABLE] = "1"  # the floor and the first measurements are cold

    root = args.keep or Path(tempfile.mkdtemp(prefix="briefbook-bench-"))
    try:
        files = generate(root, args.n, args.seed)
        size = sum(p.stat().st_size for p in (root / "briefs").rglob("*") if p.is_file())
        settings = read_settings(root / "mkdocs.yml")
        print(f"briefbook check benchmark: {args.n} briefs + 1 sources file ({size / 1e6:.1f} MB), seed {args.seed}, best of {args.repeat}")
        print(f"machine: {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, {platform.platform()}")

        t_floor, counted = best_of(args.repeat, lambda: floor(root / "briefs"))
        assert counted == files, (counted, files)

        t_load, result = best_of(args.repeat, lambda: load_corpus(settings))
        problems = result.diagnostics  # type: ignore[union-attr]
        if problems:
            print(f"the generated corpus is not clean: {len(problems)} problems, first: {problems[0].text()}", file=sys.stderr)
            sys.exit(1)
        assert len(result.corpus.briefs) == args.n  # type: ignore[union-attr]

        if args.profile:
            profiler = cProfile.Profile()
            profiler.runcall(load_corpus, settings)

        exe = shutil.which("briefbook") or str(Path(sys.executable).with_name("briefbook"))

        def cli() -> int:
            done = subprocess.run([exe, "check"], cwd=root, capture_output=True, text=True)
            if done.returncode != 0:
                raise SystemExit(f"`briefbook check` failed ({done.returncode}):\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
            return done.returncode

        t_cli, _ = best_of(args.repeat, cli)
        del os.environ[DISABLE_VARIABLE]
        cli()  # fills the cache
        t_warm, _ = best_of(args.repeat, cli)

        def row(label: str, seconds: float) -> str:
            return f"  {label:<34} {seconds:7.2f} s  {files / seconds:8,.0f} files/s  {seconds / t_floor:5.2f}× floor"

        print(row("floor (read + CSafeLoader)", t_floor))
        print(row("load_corpus (in-process)", t_load))
        print(row("briefbook check (CLI)", t_cli))
        print(row("briefbook check (CLI, cache warm)", t_warm))
        print(f"ratio check/floor: {t_cli / t_floor:.2f}× (CLI), {t_load / t_floor:.2f}× (in-process); target ≤ 2×")

        if args.profile:
            out = io.StringIO()
            stats = pstats.Stats(profiler, stream=out)
            stats.sort_stats("tottime").print_stats(25)
            print("\nwhere load_corpus spends its time (cProfile, by own time):")
            print(out.getvalue())
    finally:
        if args.keep is None:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
