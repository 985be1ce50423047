"""The commands that publish the book: build, serve, render, export and pdf."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .. import pipeline
from ..format.site_config import read_config, site_dir
from ..site.export import export_json
from .common import config_option, print_or_write, quiet_option, report, say_waiting, settings_of, stops


@click.command()
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
    settings = settings_of(config_file)
    with stops():
        target = (site_folder or settings.project_dir / site_dir(read_config(config_file), config_file)).absolute()
        pipeline.build_site(settings, config_file, target, report, say_waiting)
    click.echo(f"Built the site in {target}")


@click.command(context_settings={"ignore_unknown_options": True})
@config_option
@click.option("--dev-addr", "-a", help="Where to serve, e.g. 127.0.0.1:8001 (default: dev_addr of mkdocs.yml, 127.0.0.1:8000).")
@click.argument("mkdocs_args", nargs=-1, type=click.UNPROCESSED)
def serve(config_file: Path, dev_addr: str | None, mkdocs_args: tuple[str, ...]) -> None:
    """Preview the site, showing each save in about a second: only the pages it changed are built again.

    Other options (e.g. `--dirty`, `--watch-theme`) run `mkdocs serve` with them instead, which builds the whole site on every save.
    """
    settings_of(config_file)
    if mkdocs_args:
        sys.exit(pipeline.run_mkdocs("serve", "--config-file", str(config_file), *(("--dev-addr", dev_addr) if dev_addr else ()), *mkdocs_args))
    from ..preview.server import serve as preview  # MkDocs is loaded only for this command

    preview(str(config_file), dev_addr)


@click.command()
@config_option
@quiet_option
@click.option("--out", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="An empty folder, or one an earlier `render --out` wrote.")
def render(config_file: Path, out: Path) -> None:
    """Write the site as a plain MkDocs project (mkdocs.yml + docs/) for engines that run no MkDocs plugin, such as Zensical."""
    settings = settings_of(config_file)
    with stops():
        count = pipeline.render_site(settings, config_file, out, report, say_waiting)
    click.echo(f"Wrote {count} generated pages and the hand-written docs to {out}")


@click.command()
@config_option
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Where to write briefs.json (default: standard output).")
def export(config_file: Path, out: Path | None) -> None:
    """Export every brief as structured data (briefs.json), valid against `briefbook schema`'s briefs-json schema."""
    result = pipeline.run(settings_of(config_file), render=False, report=report)
    if result.errors:
        sys.exit(1)
    print_or_write(export_json(result.corpus), out, f"Wrote {len(result.corpus.briefs)} briefs to {out}")


@click.command()
@config_option
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Where to write it (default: briefing-book.pdf, or briefing-summary.pdf).")
@click.option("--paper", type=click.Choice(["a4", "letter"]), default="a4", show_default=True, help="The paper size.")
@click.option("--summary", is_flag=True, help="The principal's summary alone, on one or two pages.")
def pdf(config_file: Path, out: Path | None, paper: str, summary: bool) -> None:
    """Write the briefing book as one PDF: cover, contents, summary, every brief, the positions matrix, what to watch, the bibliography."""
    out = out or Path("briefing-summary.pdf" if summary else "briefing-book.pdf")
    with stops():
        pipeline.write_pdf(settings_of(config_file), config_file, out, paper, summary, report)
    click.echo(f"Wrote {out}")
