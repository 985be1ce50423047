"""The commands an analyst uses while writing briefs: check, new, reference, schema and the language server."""

from __future__ import annotations

import functools
import os
import sys
from pathlib import Path

import click

from .. import pipeline
from ..format.diagnostics import FORMATTERS
from ..format.reference import reference_markdown
from ..format.scaffold import new_brief
from ..format.schema import all_schemas, dumps, write_schemas
from ..format.settings import build_date
from .common import config_option, print_or_write, quiet_option, settings_of, stops


@click.command()
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
    settings = settings_of(config_file)
    checked = functools.partial(pipeline.run, settings, paths=list(paths) or None, strict=strict or None, render=False)
    if watching:
        return pipeline.check_on_every_save(settings, lambda: FORMATTERS[output_format](checked().diagnostics), click.echo)
    result = checked()
    click.echo(FORMATTERS[output_format](result.diagnostics))
    sys.exit(1 if result.errors else 0)


@click.command()
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
    settings = settings_of(config_file)
    with stops():
        path = new_brief(settings, kind, brief_id, today=build_date(), title=title, folder=folder)
    click.echo(f"Wrote {os.path.relpath(path, settings.project_dir)}; `briefbook check` lists what is left to fill in.")


@click.command()
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Where to write the page (default: standard output).")
def reference(out: Path | None) -> None:
    """Print (or write) the format reference page, generated from the models."""
    print_or_write(reference_markdown(), out, f"Wrote the format reference to {out}")


@click.command()
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), help="Write one <kind>.schema.json per kind into this folder.")
def schema(out: Path | None) -> None:
    """Print (or write) the JSON Schema of each kind of brief and of shared sources files."""
    if out is None:
        click.echo(dumps(all_schemas()), nl=False)
    else:
        click.echo(f"Wrote {write_schemas(out)} schemas to {out}")


@click.command()
@click.option("--stdio", is_flag=True, help="Talk over standard input and output (the default and only way; accepted for clients that pass it).")
def lsp(stdio: bool) -> None:
    """Run the language server for editors: the problems `check` finds as you type, completion, hover, go to definition."""
    from ..editor.lsp import serve  # pygls is loaded only for this command

    serve()
