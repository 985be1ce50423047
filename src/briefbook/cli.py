"""The `briefbook` command: each subcommand reads its options and the settings, calls the pipeline
(pipeline.py) or one stage, and prints what comes back."""

from __future__ import annotations

import functools
import os
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import click

from . import pipeline
from .files import progress
from .files.writer import write_atomic
from .format.diagnostics import FORMATTERS, Diagnostic, format_text
from .format.reference import reference_markdown
from .format.scaffold import ScaffoldError, new_brief
from .format.schema import all_schemas, dumps, write_schemas
from .format.settings import Settings, SettingsError, build_date, read_settings
from .format.site_config import CONFIG_FILE, read_config, site_dir
from .site.export import export_json

config_option = click.option(
    "--config", "-f", "config_file", type=click.Path(dir_okay=False, path_type=Path), default=CONFIG_FILE,
    show_default=True, help="The site's mkdocs.yml; briefbook's settings are read from its `briefbook` plugin entry.",
)
# a live line per stage on a terminal; in a log, or with -q, one line for each stage that takes a while
quiet_option = click.option("--quiet", "-q", is_flag=True, expose_value=False, callback=lambda _ctx, _param, quiet: progress.show(quiet),
                            help="No live progress on a terminal: one line for each long stage, as in a log.")


@contextmanager
def _stops() -> Iterator[None]:
    """A bad setting or a command pointed at what it may not use as a usage error; a stopped run as its line and status."""
    try:
        yield
    except (SettingsError, pipeline.UsageStop) as err:
        raise click.UsageError(str(err)) from None
    except ScaffoldError as err:
        click.echo(f"briefbook new: {err}", err=True)
        sys.exit(1)
    except pipeline.Stop as err:
        if str(err):
            click.echo(f"briefbook: {err}", err=True)
        sys.exit(err.status)


def _settings(config_file: Path) -> Settings:
    with _stops():
        return read_settings(config_file)


def _report(diagnostics: list[Diagnostic]) -> None:
    if diagnostics:
        click.echo(format_text(diagnostics), err=True)


def _say_waiting() -> None:
    click.echo("briefbook: another build of this project is running; waiting for it to finish", err=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="briefbook", prog_name="briefbook")
def main() -> None:
    """Validate briefs and publish them as a site."""
    pipeline.show_core_log(lambda record: click.echo(f"briefbook: {record.levelname.lower()}: {record.getMessage()}", err=True))


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--format", "output_format", type=click.Choice(sorted(FORMATTERS)), default="text", show_default=True,
              help="text for people, json for tools, github for GitHub Actions annotations.")
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
@click.option("--watch", "watching", is_flag=True, help="Check again each time a file in the briefs folder is saved (Ctrl-C stops).")
@config_option
@quiet_option
def check(paths: tuple[Path, ...], output_format: str, strict: bool, watching: bool, config_file: Path) -> None:
    """Check briefs (default: the project's briefs folder) and report every problem at once.

    Exit status: 0 when there is no error, 1 when there is one, 2 on a usage error.
    """
    settings = _settings(config_file)
    checked = functools.partial(pipeline.run, settings, paths=list(paths) or None, strict=strict or None, render=False)
    if watching:
        return pipeline.check_on_every_save(settings, lambda: FORMATTERS[output_format](checked().diagnostics), click.echo)
    result = checked()
    click.echo(FORMATTERS[output_format](result.diagnostics))
    sys.exit(1 if result.errors else 0)


@main.command()
@click.argument("kind")
@click.argument("brief_id", metavar="ID")
@click.option("--title", help="The brief's title (default: a placeholder).")
@click.option("--folder", help="The folder inside the briefs folder (default: <kind>s, e.g. summits).")
@config_option
def new(kind: str, brief_id: str, title: str | None, folder: str | None, config_file: Path) -> None:
    """Write a new brief of KIND (summit, actor, issue) named ID from its scaffold in templates/new/.

    Required fields get placeholders that `briefbook check` reports until they are
    replaced; optional fields are written as comments. Never overwrites a file.
    """
    settings = _settings(config_file)
    with _stops():
        path = new_brief(settings, kind, brief_id, today=build_date(), title=title, folder=folder)
    click.echo(f"Wrote {os.path.relpath(path, settings.project_dir)}; `briefbook check` lists what is left to fill in.")


@main.command()
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Where to write the page (default: standard output).")
def reference(out: Path | None) -> None:
    """Print (or write) the format reference page, generated from the models."""
    _print_or_write(reference_markdown(), out, f"Wrote the format reference to {out}")


@main.command()
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), help="Write one <kind>.schema.json per kind into this folder.")
def schema(out: Path | None) -> None:
    """Print (or write) the JSON Schema of each kind of brief and of shared sources files."""
    if out is None:
        click.echo(dumps(all_schemas()), nl=False)
    else:
        click.echo(f"Wrote {write_schemas(out)} schemas to {out}")


@main.command()
@config_option
@quiet_option
@click.option("--site-dir", "-d", "site_folder", type=click.Path(file_okay=False, path_type=Path),
              help="Where to build (default: site_dir of mkdocs.yml, usually site/).")
def build(config_file: Path, site_folder: Path | None) -> None:
    """Check the briefs strictly, then build the site with `mkdocs build --strict`.

    The site is built into a folder of this run's own and swapped into place only when the
    build succeeds: a failed build leaves the previous site as it was. Builds of the same
    project wait for each other. The site folder may not be the project or one of its folders.
    """
    settings = _settings(config_file)
    with _stops():
        target = (site_folder or settings.project_dir / site_dir(read_config(config_file), config_file)).absolute()
        pipeline.build_site(settings, config_file, target, _report, _say_waiting)
    click.echo(f"Built the site in {target}")


@main.command(context_settings={"ignore_unknown_options": True})
@config_option
@click.option("--dev-addr", "-a", help="Where to serve, e.g. 127.0.0.1:8001 (default: dev_addr of mkdocs.yml, 127.0.0.1:8000).")
@click.argument("mkdocs_args", nargs=-1, type=click.UNPROCESSED)
def serve(config_file: Path, dev_addr: str | None, mkdocs_args: tuple[str, ...]) -> None:
    """Preview the site, showing each save in about a second: only the pages it changed are built again.

    Other options (e.g. `--dirty`, `--watch-theme`) run `mkdocs serve` with them instead, which builds the whole site on every save.
    """
    _settings(config_file)
    if mkdocs_args:
        sys.exit(pipeline.run_mkdocs("serve", "--config-file", str(config_file), *(("--dev-addr", dev_addr) if dev_addr else ()), *mkdocs_args))
    from .preview.server import serve as preview  # MkDocs is loaded only for this command

    preview(str(config_file), dev_addr)


@main.command()
@config_option
@quiet_option
@click.option("--out", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="An empty folder, or one an earlier `render --out` wrote.")
def render(config_file: Path, out: Path) -> None:
    """Write the site as a plain MkDocs project (mkdocs.yml + docs/) for engines that run no MkDocs plugin, such as Zensical."""
    settings = _settings(config_file)
    with _stops():
        count = pipeline.render_site(settings, config_file, out, _report, _say_waiting)
    click.echo(f"Wrote {count} generated pages and the hand-written docs to {out}")


@main.command()
@config_option
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Where to write briefs.json (default: standard output).")
def export(config_file: Path, out: Path | None) -> None:
    """Export every brief as structured data (briefs.json), valid against `briefbook schema`'s briefs-json schema."""
    result = pipeline.run(_settings(config_file), render=False, report=_report)
    if result.errors:
        sys.exit(1)
    _print_or_write(export_json(result.corpus), out, f"Wrote {len(result.corpus.briefs)} briefs to {out}")


def _print_or_write(text: str, out: Path | None, said: str) -> None:
    if out is None:
        click.echo(text, nl=False)
        return
    write_atomic(out, text)
    click.echo(said)


@main.command()
@config_option
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Where to write it (default: briefing-book.pdf, or briefing-summary.pdf).")
@click.option("--paper", type=click.Choice(["a4", "letter"]), default="a4", show_default=True, help="The paper size.")
@click.option("--summary", is_flag=True, help="The principal's summary alone, on one or two pages.")
def pdf(config_file: Path, out: Path | None, paper: str, summary: bool) -> None:
    """Write the briefing book as one PDF: cover, contents, summary, every brief, the positions matrix, what to watch, the bibliography."""
    out = out or Path("briefing-summary.pdf" if summary else "briefing-book.pdf")
    with _stops():
        pipeline.write_pdf(_settings(config_file), config_file, out, paper, summary, _report)
    click.echo(f"Wrote {out}")


@main.command()
@click.option("--stdio", is_flag=True, help="Talk over standard input and output (the default and only way; accepted for clients that pass it).")
def lsp(stdio: bool) -> None:
    """Run the language server for editors: the problems `check` finds as you type, completion, hover, go to definition."""
    from .editor.lsp import serve  # pygls is loaded only for this command

    serve()
