"""What the `briefbook` commands share: the --config and --quiet options, the settings read once,
and one way of saying a stopped run (its line, its exit status)."""

from __future__ import annotations

import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import click

from .. import pipeline
from ..files import progress
from ..files.writer import write_atomic
from ..format.diagnostics import Diagnostic, format_text
from ..format.scaffold import ScaffoldError
from ..format.settings import Settings, SettingsError, read_settings
from ..format.site_config import CONFIG_FILE

config_option = click.option(
    "--config", "-f", "config_file", type=click.Path(dir_okay=False, path_type=Path), default=CONFIG_FILE,
    show_default=True, help="The site's mkdocs.yml; briefbook's settings are read from its `briefbook` plugin entry.",
)
# a live line per stage on a terminal; in a log, or with -q, one line for each stage that takes a while
quiet_option = click.option("--quiet", "-q", is_flag=True, expose_value=False, callback=lambda _ctx, _param, quiet: progress.show(quiet),
                            help="No live progress on a terminal: one line for each long stage, as in a log.")


@contextmanager
def stops() -> Iterator[None]:
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


def settings_of(config_file: Path) -> Settings:
    with stops():
        return read_settings(config_file)


def report(diagnostics: list[Diagnostic]) -> None:
    if diagnostics:
        click.echo(format_text(diagnostics), err=True)


def say_waiting() -> None:
    click.echo("briefbook: another build of this project is running; waiting for it to finish", err=True)


def print_or_write(text: str, out: Path | None, said: str) -> None:
    if out is None:
        click.echo(text, nl=False)
        return
    write_atomic(out, text)
    click.echo(said)
