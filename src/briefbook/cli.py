"""The `briefbook` command: the group and its subcommands, which live by audience in commands/ (writing
briefs, publishing the book). Each reads its options and the settings, calls the pipeline (pipeline.py)
or one stage, and prints what comes back."""

from __future__ import annotations

import click

from . import pipeline
from .commands import publishing, writing


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="briefbook", prog_name="briefbook")
def main() -> None:
    """Validate briefs and publish them as a site."""
    pipeline.show_core_log(lambda record: click.echo(f"briefbook: {record.levelname.lower()}: {record.getMessage()}", err=True))


for command in (writing.check, writing.new, writing.reference, writing.schema, writing.lsp,
                publishing.build, publishing.serve, publishing.render, publishing.export, publishing.pdf):
    main.add_command(command)
