"""The `briefbook` command: a thin adapter over loading, rendering and building."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from . import __version__
from .corpus import LoadResult, load_corpus
from .diagnostics import FORMATTERS
from .schema import all_schemas, dumps
from .settings import CONFIG_FILE, Settings, SettingsError, read_settings
from .writer import write_atomic

config_option = click.option(
    "--config", "-f", "config_file", type=click.Path(dir_okay=False, path_type=Path), default=CONFIG_FILE,
    show_default=True, help="The site's mkdocs.yml; briefbook's settings are read from its `briefbook` plugin entry.",
)


def _settings(config_file: Path, **overrides) -> Settings:
    try:
        return read_settings(config_file, **overrides)
    except SettingsError as err:
        raise click.UsageError(str(err)) from None



@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="briefbook")
def main() -> None:
    """Validate briefs and publish them as a site."""


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--format", "output_format", type=click.Choice(sorted(FORMATTERS)), default="text", show_default=True,
              help="text for people, json for tools, github for GitHub Actions annotations.")
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
@config_option
def check(paths: tuple[Path, ...], output_format: str, strict: bool, config_file: Path) -> None:
    """Check briefs (default: the project's briefs folder) and report every problem at once.

    Exit status: 0 when there is no error, 1 when there is one, 2 on a usage error.
    """
    settings = _settings(config_file)
    result = load_corpus(settings, list(paths) or None, strict=strict or None)
    click.echo(FORMATTERS[output_format](result.diagnostics))
    sys.exit(0 if result.ok else 1)


@main.command()
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), help="Write one <kind>.schema.json per kind into this folder.")
def schema(out: Path | None) -> None:
    """Print (or write) the JSON Schema of each kind of brief and of shared sources files."""
    schemas = all_schemas()
    if out is None:
        click.echo(dumps(schemas), nl=False)
        return
    out.mkdir(parents=True, exist_ok=True)
    for kind, document in schemas.items():
        write_atomic(out / f"{kind}.schema.json", dumps(document))
    click.echo(f"Wrote {len(schemas)} schemas to {out}")
