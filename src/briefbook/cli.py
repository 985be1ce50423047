"""The `briefbook` command: a thin adapter over loading, rendering and building."""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import click
import jinja2

from . import __version__
from .corpus import Corpus, load_corpus
from .diagnostics import FORMATTERS, format_text, printable
from .export import export_json
from .output_folder import RENDER_MARK, SITE_MARK, OutputFolderError, check_target, remove_leftovers, staging_folder
from .project_lock import LOCK_FD_VARIABLE, project_lock
from .render import render_pages, template_error
from .render_out import RenderOutError, render_out
from .reference import reference_markdown
from .scaffold import ScaffoldError, new_brief
from .schema import all_schemas, dumps
from .settings import CONFIG_FILE, Settings, SettingsError, build_date, read_custom_dir, read_settings, read_site_dir
from .watch import watch as watch_folder
from .writer import replace_folder, write_atomic

config_option = click.option(
    "--config", "-f", "config_file", type=click.Path(dir_okay=False, path_type=Path), default=CONFIG_FILE,
    show_default=True, help="The site's mkdocs.yml; briefbook's settings are read from its `briefbook` plugin entry.",
)


def _settings(config_file: Path) -> Settings:
    try:
        return read_settings(config_file)
    except SettingsError as err:
        raise click.UsageError(str(err)) from None


class _WarningLine(logging.Handler):
    """What the core logs (a damaged cache file ignored, a cache that cannot be written): one line on standard error."""

    def emit(self, record: logging.LogRecord) -> None:
        click.echo(f"briefbook: {record.levelname.lower()}: {record.getMessage()}", err=True)


def _show_core_log() -> None:
    logger = logging.getLogger("briefbook")
    if not any(isinstance(h, _WarningLine) for h in logger.handlers):
        logger.addHandler(_WarningLine(logging.WARNING))
        logger.propagate = False


def _check_output(target: Path, settings: Settings, mark: str, custom_dir: str | None) -> None:
    """Refuse, in one line and with exit status 2, an output folder that would replace the project's files or the user's."""
    try:
        check_target(target, settings, mark, custom_dir)
    except OutputFolderError as err:
        click.echo(f"briefbook: {err}", err=True)
        sys.exit(2)


def _say_waiting() -> None:
    click.echo("briefbook: another build of this project is running; waiting for it to finish", err=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="briefbook")
def main() -> None:
    """Validate briefs and publish them as a site."""
    _show_core_log()


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--format", "output_format", type=click.Choice(sorted(FORMATTERS)), default="text", show_default=True,
              help="text for people, json for tools, github for GitHub Actions annotations.")
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
@click.option("--watch", is_flag=True, help="Check again each time a file in the briefs folder is saved (Ctrl-C stops).")
@config_option
def check(paths: tuple[Path, ...], output_format: str, strict: bool, watch: bool, config_file: Path) -> None:
    """Check briefs (default: the project's briefs folder) and report every problem at once.

    Exit status: 0 when there is no error, 1 when there is one, 2 on a usage error.
    """
    settings = _settings(config_file)
    if watch:
        _check_on_every_save(settings, list(paths) or None, output_format, strict)
        return
    result = load_corpus(settings, list(paths) or None, strict=strict or None)
    click.echo(FORMATTERS[output_format](result.diagnostics))
    sys.exit(0 if result.ok else 1)


def _check_on_every_save(settings: Settings, paths: list[Path] | None, output_format: str, strict: bool) -> None:
    def run(changed: list[str]) -> None:
        shown = ", ".join(printable(os.path.relpath(p, settings.project_dir)) for p in changed[:3]) + (", …" if len(changed) > 3 else "")
        header = f"changed: {shown}" if changed else f"watching {os.path.relpath(settings.briefs, settings.project_dir)}/"
        click.echo(f"\n[{time.strftime('%H:%M:%S')}] briefbook check: {header}")
        result = load_corpus(settings, paths, strict=strict or None)
        click.echo(FORMATTERS[output_format](result.diagnostics))

    try:
        watch_folder(settings.briefs, run)
    except KeyboardInterrupt:
        click.echo("")


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
    try:
        path = new_brief(settings, kind, brief_id, today=build_date(), title=title, folder=folder)
    except ScaffoldError as err:
        click.echo(f"briefbook new: {err}", err=True)
        sys.exit(1)
    click.echo(f"Wrote {os.path.relpath(path, settings.project_dir)}; `briefbook check` lists what is left to fill in.")


@main.command()
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Where to write the page (default: standard output).")
def reference(out: Path | None) -> None:
    """Print (or write) the format reference page, generated from the models."""
    text = reference_markdown()
    if out is None:
        click.echo(text, nl=False)
        return
    write_atomic(out, text)
    click.echo(f"Wrote the format reference to {out}")


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


def _load_or_exit(settings: Settings, strict: bool = False) -> Corpus:
    result = load_corpus(settings, strict=strict or None)
    if result.diagnostics:
        click.echo(format_text(result.diagnostics), err=True)
    if not result.ok:
        sys.exit(1)
    return result.corpus


def _mkdocs(*args: str, lock_fd: int | None = None) -> int:
    """Run MkDocs in a child process: the plugin is the only part of briefbook that imports MkDocs."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": os.environ.get("NO_MKDOCS_2_WARNING", "1")}
    if lock_fd is not None:
        env[LOCK_FD_VARIABLE] = str(lock_fd)
    return subprocess.call([sys.executable, "-m", "mkdocs", *args], env=env, pass_fds=() if lock_fd is None else (lock_fd,))


@main.command()
@config_option
@click.option("--site-dir", "-d", type=click.Path(file_okay=False, path_type=Path), help="Where to build (default: site_dir of mkdocs.yml, usually site/).")
def build(config_file: Path, site_dir: Path | None) -> None:
    """Check the briefs strictly, then build the site with `mkdocs build --strict`.

    The site is built into a folder of this run's own and swapped into place only when the
    build succeeds: a failed build leaves the previous site as it was. Builds of the same
    project wait for each other. The site folder may not be the project or one of its folders.
    """
    settings = _settings(config_file)
    try:
        target = (site_dir or settings.project_dir / read_site_dir(config_file)).absolute()
        custom_dir = read_custom_dir(config_file)
    except SettingsError as err:
        raise click.UsageError(str(err)) from None
    _check_output(target, settings, SITE_MARK, custom_dir)
    with project_lock(settings.project_dir, _say_waiting) as lock_fd:
        _load_or_exit(settings, strict=True)
        remove_leftovers(target)
        staging = staging_folder(target)
        try:
            code = _mkdocs("build", "--strict", "--config-file", str(config_file), "--site-dir", str(staging), lock_fd=lock_fd)
            if code != 0:
                click.echo("briefbook: the build failed; the previous site was left in place.", err=True)
                sys.exit(1)
            if not (staging / SITE_MARK).is_file():  # built without the briefbook plugin: mark it still, as briefbook's
                write_atomic(staging / SITE_MARK, "{}")
            try:
                replace_folder(staging, target)
            except OSError as err:
                click.echo(f"briefbook: the new site could not be put in place of {target} ({err.strerror or err}); "
                           "the previous site was left in place.", err=True)
                sys.exit(1)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    click.echo(f"Built the site in {target}")


@main.command(context_settings={"ignore_unknown_options": True})
@config_option
@click.argument("mkdocs_args", nargs=-1, type=click.UNPROCESSED)
def serve(config_file: Path, mkdocs_args: tuple[str, ...]) -> None:
    """Preview the site with `mkdocs serve`, rebuilding when a brief or template changes.

    Other options (e.g. `--dev-addr 127.0.0.1:8001`, `--dirty`) are passed to MkDocs.
    """
    _settings(config_file)
    sys.exit(_mkdocs("serve", "--config-file", str(config_file), *mkdocs_args))


@main.command()
@config_option
@click.option("--out", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="An empty folder, or one an earlier `render --out` wrote.")
def render(config_file: Path, out: Path) -> None:
    """Write the site as a plain MkDocs project (mkdocs.yml + docs/) for engines that run no MkDocs plugin, such as Zensical."""
    settings = _settings(config_file)
    try:
        custom_dir = read_custom_dir(config_file)
    except SettingsError as err:
        raise click.UsageError(str(err)) from None
    _check_output(out.absolute(), settings, RENDER_MARK, custom_dir)
    with project_lock(settings.project_dir, _say_waiting):
        corpus = _load_or_exit(settings)
        try:
            count = render_out(corpus, render_pages(corpus, settings), settings, out)
        except RenderOutError as err:
            raise click.UsageError(str(err)) from None
        except jinja2.TemplateError as err:
            click.echo(f"briefbook: {template_error(err)}; nothing was written", err=True)
            sys.exit(1)
        except OSError as err:
            click.echo(f"briefbook: could not write {out} ({err.strerror or err}); the previous output was left in place", err=True)
            sys.exit(1)
    click.echo(f"Wrote {count} generated pages and the hand-written docs to {out}")


@main.command()
@config_option
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Where to write briefs.json (default: standard output).")
def export(config_file: Path, out: Path | None) -> None:
    """Export every brief as structured data (briefs.json), valid against `briefbook schema`'s briefs-json schema."""
    corpus = _load_or_exit(_settings(config_file))
    data = export_json(corpus)
    if out is None:
        click.echo(data, nl=False)
        return
    write_atomic(out, data)
    click.echo(f"Wrote {len(corpus.briefs)} briefs to {out}")


@main.command()
@click.option("--stdio", is_flag=True, help="Talk over standard input and output (the default and only way; accepted for clients that pass it).")
def lsp(stdio: bool) -> None:
    """Run the language server for editors: the problems `check` finds as you type, completion, hover, go to definition."""
    from .lsp import serve  # pygls is loaded only for this command

    serve()
