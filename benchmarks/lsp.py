"""How long from an edit in the editor to its diagnostics, in `briefbook lsp` on a large corpus?

    python benchmarks/lsp.py [N] [--seed S] [--edits E] [--keep DIR]

Writes an N-brief project (default 1,000; benchmarks/corpus.py), starts `briefbook lsp` and talks
to it over stdio with pygls' client, as an editor does. It opens one actor brief and times the first
load (from opening the file to its first diagnostics; no cache, as on a fresh clone). Then it makes
E edits to the buffer, each sent once the diagnostics of the one before have come back, and times
each from sending the change to receiving the diagnostics of that version: every other edit
misspells a field (one diagnostic), the others change the summary (none). The server's CPU time
per edit (from /proc) is printed too: on a busy machine it moves less than the wall-clock times.

Side by side, the floor, in this process: validating that one file alone (read, parse, validate),
and linking the corpus (`link`, which finds the cross-file problems), which is what the server does
for each edit; the difference is the protocol, the thread hand-over and the interpreter's share.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from lsprotocol import types as lsp
from pygls.lsp.client import LanguageClient

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import REFERENCE_EPOCH, write_corpus  # noqa: E402

from briefbook.files.store import digest  # noqa: E402
from briefbook.corpus.link import link  # noqa: E402
from briefbook.format.discover import discover
from briefbook.format.loader import parse_file  # noqa: E402
from briefbook.format.settings import build_date, read_settings  # noqa: E402
from briefbook.format.validate import validate_file  # noqa: E402


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux): what it spent, whatever else the machine runs."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


async def drive(root: Path, brief: Path, edits: int) -> tuple[float, list[float], list[int], float]:
    client = LanguageClient("briefbook-benchmark", "1")
    waiting: dict[int | None, asyncio.Future] = {}

    @client.feature(lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def published(params: lsp.PublishDiagnosticsParams) -> None:
        future = waiting.pop(params.version, None) if params.uri == uri else None
        if future is not None and not future.done():
            future.set_result(len(params.diagnostics))

    env = {**os.environ, "SOURCE_DATE_EPOCH": REFERENCE_EPOCH}
    await client.start_io(sys.executable, "-m", "briefbook", "lsp", cwd=str(root), env=env)
    await client.initialize_async(lsp.InitializeParams(capabilities=lsp.ClientCapabilities(), process_id=os.getpid(), root_uri=root.as_uri()))
    client.initialized(lsp.InitializedParams())
    uri = brief.as_uri()
    text = brief.read_text(encoding="utf-8")
    loop = asyncio.get_running_loop()

    waiting[1] = loop.create_future()
    start = time.perf_counter()
    client.text_document_did_open(lsp.DidOpenTextDocumentParams(lsp.TextDocumentItem(uri=uri, language_id="markdown", version=1, text=text)))
    await asyncio.wait_for(waiting[1], 600)
    first_load = time.perf_counter() - start

    latencies, counts = [], []
    pid = client._server.pid  # type: ignore[union-attr]
    cpu_before = cpu_seconds(pid)
    for n in range(edits):
        version = n + 2
        if n % 2:
            edited = text.replace("\nsummary: ", f"\nsummary: Edit {n}. ", 1)
        else:
            edited = text.replace("\nrole: ", f"\nrloe{n}: x\nrole: ", 1)
        waiting[version] = future = loop.create_future()
        start = time.perf_counter()
        client.text_document_did_change(lsp.DidChangeTextDocumentParams(
            lsp.VersionedTextDocumentIdentifier(version=version, uri=uri), [lsp.TextDocumentContentChangeWholeDocument(edited)]))
        counts.append(await asyncio.wait_for(future, 60))
        latencies.append(time.perf_counter() - start)
    cpu_per_edit = (cpu_seconds(pid) - cpu_before) / edits
    await client.shutdown_async(None)
    client.exit(None)
    await client.stop()
    return first_load, latencies, counts, cpu_per_edit


def floor(root: Path, brief: Path, repeat: int) -> tuple[list[float], list[float]]:
    settings = read_settings(root / "mkdocs.yml")
    files = []  # every brief and sources file, validated, as the server holds them
    for path, display in discover(settings.briefs, [settings.briefs], settings.project_dir)[0]:
        data = path.read_bytes()
        raw, _ = parse_file(path, display, data, digest(data))
        files.append(validate_file(raw, settings.markdown)[0])  # type: ignore[arg-type]
    assert not link(files, build_date(), settings.max_age_days)[1]  # type: ignore[arg-type]  # a clean corpus
    display = str(brief.relative_to(root))
    one, linking = [], []
    for _ in range(repeat):
        start = time.perf_counter()
        data = brief.read_bytes()
        raw, _ = parse_file(brief, display, data, digest(data))
        validate_file(raw, settings.markdown)  # type: ignore[arg-type]
        one.append(time.perf_counter() - start)
        start = time.perf_counter()
        link(files, build_date(), settings.max_age_days)  # type: ignore[arg-type]
        linking.append(time.perf_counter() - start)
    return one, linking


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("n", type=int, nargs="?", default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--edits", type=int, default=60)
    parser.add_argument("--keep", type=Path, help="generate into this (new) folder and keep it")
    args = parser.parse_args()
    os.environ["SOURCE_DATE_EPOCH"] = REFERENCE_EPOCH
    root = args.keep or Path(tempfile.mkdtemp(prefix="briefbook-lsp-"))
    try:
        write_corpus(args.n, args.seed, root)
        actors = sorted((root / "briefs" / "actors").glob("*.md"))
        brief = actors[len(actors) // 2]
        print(f"briefbook lsp benchmark: {args.n} briefs, seed {args.seed}, {args.edits} edits to {brief.relative_to(root)}")
        print(f"machine: {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, load average {os.getloadavg()[0]:.1f}")
        first_load, latencies, counts, cpu_per_edit = asyncio.run(drive(root, brief, args.edits))
        assert counts == [1 if n % 2 == 0 else 0 for n in range(args.edits)], counts  # each edit's own diagnostics came back
        one, linking = floor(root, brief, args.edits)
        floor_total = [a + b for a, b in zip(one, linking)]

        def row(label: str, values: list[float]) -> str:
            ms = [v * 1000 for v in values]
            return f"  {label:<44} median {statistics.median(ms):7.1f} ms   p90 {percentile(ms, 0.9):7.1f} ms   max {max(ms):7.1f} ms"

        print(f"  first load (open to first diagnostics, no cache)  {first_load:.2f} s")
        print(row("edit to diagnostics (briefbook lsp)", latencies))
        print(f"  {'server CPU time per edit (user + system)':<44} mean   {cpu_per_edit * 1000:7.1f} ms")
        print(row("floor: validate the one file", one))
        print(row("floor: link the corpus", linking))
        print(row("floor: both", floor_total))
        print(f"target: under 150 ms from an edit to its diagnostics; median {statistics.median(latencies) * 1000:.1f} ms, "
              f"{statistics.median(latencies) / statistics.median(floor_total):.2f}× the floor")
    finally:
        if args.keep is None:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
