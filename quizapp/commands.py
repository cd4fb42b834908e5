"""The `quizapp` command line: Flask's own commands plus the project's."""

from __future__ import annotations

import functools
import json
import os
import sys
import tempfile
from collections import Counter
from pathlib import Path

import click
import sqlalchemy.exc
from flask import Flask, current_app
from flask.cli import FlaskGroup

from quizapp.domain.anki import NOTE_TYPES
from quizapp.services import ServiceError


def create_cli_app() -> Flask:
    from quizapp import create_app
    from quizapp.config import ConfigError

    try:
        return create_app()
    except ConfigError as exc:  # one line for the operator, not a traceback
        raise click.ClickException(str(exc)) from None


@click.group(cls=FlaskGroup, create_app=create_cli_app)
def main() -> None:
    """quizapp: learn facts with generated questions and spaced repetition."""


def with_database(command):
    """Turn "no such table" and connection failures into one line a person can act on."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except sqlalchemy.exc.DBAPIError as exc:
            first_line = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
            raise click.ClickException(
                f"The database is not ready ({first_line}). "
                "Is DATABASE_URL right, and has `quizapp db upgrade` been run?"
            ) from None

    return wrapper


users_cli = click.Group("users", help="Manage accounts.")


@users_cli.command("set-role")
@click.argument("email")
@click.argument("role", type=click.Choice(["student", "teacher"]))
@with_database
def set_role_command(email: str, role: str) -> None:
    """Give the account EMAIL the role ROLE (student or teacher)."""
    from quizapp.services import accounts

    try:
        user = accounts.set_role(email, role)
    except ServiceError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"{user.email} is now a {user.role}.")


@users_cli.command("teacher-requests")
@with_database
def teacher_requests_command() -> None:
    """List the accounts waiting to be approved as teachers (QUIZAPP_TEACHER_SIGNUP=approval)."""
    from quizapp.services import accounts

    waiting = accounts.pending_teachers()
    if not waiting:
        click.echo("No one is waiting to be approved as a teacher.")
    for user in waiting:
        asked = user.teacher_requested_at.strftime("%Y-%m-%d %H:%M UTC")
        click.echo(f"{user.email}\t{user.display_name}\tasked {asked}")


@users_cli.command("approve-teacher")
@click.argument("email")
@with_database
def approve_teacher_command(email: str) -> None:
    """Make EMAIL, who signed up asking to be a teacher, a teacher."""
    from quizapp.services import accounts

    try:
        user = accounts.approve_teacher(email)
    except ServiceError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"{user.email} is now a teacher.")


questions_cli = click.Group("questions", help="Fact files and the questions made from them.")


def _fact_file_paths(paths: tuple[str, ...]) -> list[str]:
    return list(paths) or [current_app.config["QUESTIONS_DIR"]]


def _load_or_exit(paths: list[str]):
    from quizapp.domain.facts import FactFileError, load_decks

    try:
        decks = load_decks(paths)
    except FactFileError as error:
        for problem in error.problems:
            click.secho(f"error: {problem}", fg="red", err=True)
        raise click.ClickException(
            f"{len(error.problems)} problem(s); nothing was loaded."
        ) from None
    for deck in decks:
        for warning in deck.warnings:
            click.secho(f"warning: {warning}", fg="yellow", err=True)
    return decks


@questions_cli.command("check")
@click.argument("paths", nargs=-1, type=click.Path(exists=True))
@click.option("-v", "--verbose", is_flag=True, help="List the questions dropped, and why.")
def questions_check(paths: tuple[str, ...], verbose: bool) -> None:
    """Validate fact files (default: the built-in questions/ folder) and summarise them.

    Exits with status 1 when any file has an error; nothing is stored either way.
    """
    from quizapp.domain.questions import KINDS, generate

    decks = _load_or_exit(_fact_file_paths(paths))
    for deck in decks:
        generation = generate(deck)
        per_kind = Counter(q.kind for q in generation.questions)
        kinds = ", ".join(f"{per_kind[k]} {k}" for k in KINDS if per_kind[k])
        click.echo(
            f"{deck.key}: {len(deck.facts)} facts, {len(deck.entities)} entities, "
            f"{len(generation.questions)} questions ({kinds}); "
            f"{len(generation.dropped)} dropped"
        )
        if verbose:
            for dropped in generation.dropped:
                click.echo(f"  dropped {dropped.kind} of {dropped.fact_key}: {dropped.reason}")
    click.echo(f"ok: {len(decks)} deck(s)")


@questions_cli.command("lint")
@click.argument("paths", nargs=-1, type=click.Path(exists=True))
def questions_lint(paths: tuple[str, ...]) -> None:
    """Advise deck authors on what the generator cannot judge alone.

    Notes only (lists not marked complete, text asked word for word, date templates);
    `questions check` is what fails on errors.
    """
    from quizapp.domain.lint import lint

    for deck in _load_or_exit(_fact_file_paths(paths)):
        notes = lint(deck)
        click.echo(f"{deck.key}: {len(notes)} note(s)")
        for note in notes:
            click.echo(f"  {note}")


@questions_cli.command("grade")
@click.option("--deck", "deck_key", required=True, help="The deck's key.")
@click.option("--fact", "fact_key", required=True, help="The fact's key.")
@click.option("--kind", default="typed", show_default=True, help="The kind of question.")
@click.option(
    "--file",
    "paths",
    multiple=True,
    type=click.Path(exists=True),
    help="Fact files or folders (default: the built-in questions/ folder).",
)
@click.argument("answers", nargs=-1, required=True)
def questions_grade(
    deck_key: str, fact_key: str, kind: str, paths: tuple[str, ...], answers: tuple[str, ...]
) -> None:
    """Judge ANSWERS to one question as the app would: one JSON line per answer.

    For deck authors, to try how typed answers are judged
    (`{"answer", "correct", "credit", "expected"}`).
    """
    from quizapp.domain.grading import judge
    from quizapp.domain.questions import generate_for_fact

    decks = {deck.key: deck for deck in _load_or_exit(_fact_file_paths(paths))}
    if deck_key not in decks:
        raise click.ClickException(f"no deck '{deck_key}' (decks: {', '.join(sorted(decks))})")
    deck = decks[deck_key]
    if fact_key not in deck.facts_by_key:
        raise click.ClickException(f"deck '{deck_key}' has no fact '{fact_key}'")
    generation = generate_for_fact(deck, fact_key)
    questions = [q for q in generation.questions if q.kind == kind]
    if not questions:
        made = ", ".join(sorted({q.kind for q in generation.questions})) or "none"
        reasons = "; ".join(d.reason for d in generation.dropped if d.kind == kind)
        why = f" ({reasons})" if reasons else ""
        raise click.ClickException(f"fact '{fact_key}' has no {kind} question{why}; it has: {made}")
    question = questions[0]
    click.echo(json.dumps({"prompt": question.prompt}, ensure_ascii=False), err=True)
    for answer in answers:
        verdict = judge(question, answer)
        line = {
            "answer": answer,
            "correct": verdict.correct,
            "credit": verdict.credit,
            "expected": verdict.expected,
        }
        click.echo(json.dumps(line, ensure_ascii=False))


@questions_cli.command("load")
@click.argument("paths", nargs=-1, type=click.Path(exists=True))
@with_database
def questions_load(paths: tuple[str, ...]) -> None:
    """Upsert fact files (default: questions/) into the database; safe to repeat."""
    from quizapp.services import decks as deck_service

    for deck in _load_or_exit(_fact_file_paths(paths)):
        try:
            report = deck_service.sync_deck(deck)
        except ServiceError as exc:
            raise click.ClickException(str(exc)) from exc
        click.echo(report.summary())


@questions_cli.command("export")
@click.option("--format", "fmt", type=click.Choice(["jsonl"]), default="jsonl", show_default=True)
@click.option("--deck", "deck_key", help="Only this deck (its key).")
@click.option("-o", "--output", type=click.File("w", encoding="utf-8"), default="-")
@with_database
def questions_export(fmt: str, deck_key: str | None, output) -> None:
    """Print the loaded questions, one JSON object per line (the question-bank format)."""
    from quizapp.domain.anki import write_jsonl
    from quizapp.services import exports

    try:
        bank = exports.question_bank(deck_key)
    except ServiceError as exc:
        raise click.ClickException(str(exc)) from exc
    write_jsonl(bank, output)


# `anki` is what people call the .apkg format; the rest are the registry's own names.
_EXPORT_FORMATS = {"anki": "apkg", "apkg": "apkg", "tsv": "tsv", "csv": "csv", "jsonl": "jsonl"}
_EXPORT_FORMATS |= {name: name for name in ("moodle", "gift", "qti", "kahoot")}


@click.command("export")
@click.argument("fmt", metavar="FORMAT", type=click.Choice(list(_EXPORT_FORMATS)))
@click.argument("deck_key", metavar="DECK")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, allow_dash=True),
    help="File to write (default: a name from the deck, like DECK.apkg; - for stdout).",
)
@click.option("--entity", "entities", multiple=True, help="Only facts about this entity (key).")
@click.option(
    "--notes",
    default=",".join(NOTE_TYPES),
    show_default=True,
    help="Anki notes to make: a comma-separated subset.",
)
@click.option("--subdecks", is_flag=True, help="Anki: one subdeck per entity.")
@with_database
def export_command(
    fmt: str,
    deck_key: str,
    output: str | None,
    entities: tuple[str, ...],
    notes: str,
    subdecks: bool,
) -> None:
    """Export the public deck DECK as FORMAT: anki (.apkg), tsv, csv, jsonl, or for quiz
    tools moodle (Moodle XML), gift, qti (QTI 2.1 zip for Canvas) or kahoot (.xlsx).

    The file appears only once it is complete: it is written next to its target
    under a temporary name and renamed at the end, so a failed export leaves
    nothing behind. The command line has no user, so it exports whole decks or
    entities, never anyone's mistakes.
    """
    from quizapp.services import exports

    selection = exports.Selection(
        entities=tuple(dict.fromkeys(entities)),
        note_types=frozenset(part.strip() for part in notes.split(",") if part.strip()),
        subdecks=subdecks,
    )
    try:
        export = exports.prepare_export(None, deck_key, _EXPORT_FORMATS[fmt], selection)
    except ServiceError as exc:
        raise click.ClickException(str(exc)) from exc
    if output == "-":
        export.write(click.get_binary_stream("stdout"))
        return
    target = Path(output or export.filename)
    with click.progressbar(
        length=export.fact_count, label=f"Exporting {export.fact_count} facts", file=sys.stderr
    ) as bar:
        _write_atomically(target, lambda out: export.write(out, bar.update))
    click.echo(f"Wrote {export.fact_count} facts of {deck_key} to {target}.")


def _write_atomically(target: Path, write) -> None:
    """Write a file under a temporary name in its folder, then rename it into place."""
    if not target.parent.is_dir():
        raise click.ClickException(f"There is no folder {str(target.parent)!r}.")
    try:
        descriptor, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
    except OSError as exc:
        message = f"Cannot write in {str(target.parent)!r}: {exc.strerror}."
        raise click.ClickException(message) from None
    try:
        with os.fdopen(descriptor, "wb") as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        umask = os.umask(0o022)
        os.umask(umask)
        os.chmod(name, 0o666 & ~umask)  # mkstemp makes 0600; give what open() would
        os.replace(name, target)
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("--force", is_flag=True, help="Replace PATH if it exists.")
@with_database
def backup_command(path: str, force: bool) -> None:
    """Write a consistent copy of the live SQLite database to PATH (safe while serving)."""
    from quizapp.services import maintenance

    try:
        size = maintenance.backup_sqlite(path, overwrite=force)
    except ServiceError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Backed up to {path} ({size:,} bytes).")


@click.command("check-db")
@with_database
def check_db_command() -> None:
    """Run the database's integrity checks; exit 1 if anything is wrong."""
    from quizapp.services import maintenance

    report = maintenance.check_database()
    for line in report.lines:
        click.echo(line)
    if not report.ok:
        raise click.ClickException("The database has problems (see above).")
    click.echo("ok")


jobs_cli = click.Group("jobs", help="Background jobs (FSRS refits): run them.")


@jobs_cli.command("run")
@click.option("--once", is_flag=True, help="Do the jobs waiting now, then stop.")
@click.option(
    "--poll",
    type=click.FloatRange(0.1, 3600),
    default=2.0,
    show_default=True,
    help="Seconds between looks at the queue when it is empty.",
)
@with_database
def jobs_run_command(once: bool, poll: float) -> None:
    """Do background jobs as they are queued (`quizapp serve` starts one runner; more,
    on any machine that reaches the database, share the queue safely)."""
    from quizapp.services import jobs

    if once:
        click.echo(f"{jobs.run_pending()} job(s) done")
        return
    jobs.run_forever(poll)


def start_job_runners(count: int) -> list:
    """`quizapp jobs run` in `count` processes of their own, at a lower CPU priority than
    the pages (nice 10): a refit's seconds of CPU then wait for requests, not the other
    way round. The environment (DATABASE_URL, ...) and folder are this process's."""
    import os
    import subprocess
    import sys

    command = [sys.executable, "-c", "from quizapp.commands import main; main()", "jobs", "run"]
    return [subprocess.Popen(command, preexec_fn=lambda: os.nice(10)) for _ in range(count)]


def default_workers() -> int:
    """One worker process per CPU core this process may use."""
    import os

    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


WORKER_CLASSES = ("gevent", "gthread")


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    default=None,
    help="Worker processes [default: one per CPU core].",
)
@click.option(
    "--worker-class",
    type=click.Choice(WORKER_CLASSES),
    default="gevent",
    show_default=True,
    help="gevent: one event loop per worker; gthread: a pool of threads per worker.",
)
@click.option(
    "--threads",
    type=click.IntRange(1, 256),
    default=8,
    show_default=True,
    help="Threads per worker (gthread only).",
)
@click.option(
    "--page-threads",
    type=click.IntRange(0, 256),
    default=4,
    show_default=True,
    help="gevent only: native threads per worker that render pages (GET and HEAD outside"
    " the live game), so a slow page holds up no one; 0 keeps them on the event loop.",
)
@click.option(
    "--job-runners",
    type=click.IntRange(0, 16),
    default=1,
    show_default=True,
    help="Processes that do background jobs (`quizapp jobs run`); 0: run them elsewhere.",
)
@click.option(
    "--access-log",
    default=None,
    metavar="FILE",
    help="Log every request, with its time in microseconds, to FILE ('-' for stderr).",
)
def serve_command(
    host: str,
    port: int,
    workers: int | None,
    worker_class: str,
    threads: int,
    page_threads: int,
    job_runners: int,
    access_log: str | None,
) -> None:
    """Serve quizapp in production with gunicorn: one worker per core, gevent.

    A live game of 2,000 players keeps 2,000 keep-alive connections polling and sends
    bursts of answers; gevent workers hold the connections as greenlets, and measured
    with bench/bench_live.py they answered with a third of gthread's p99 latency and
    refused no answer as late (see the README's "Live game"): gthread's threads
    queue for the GIL, and its accepting thread with them. The price: a request
    busy on the CPU for long (a large export) holds up its worker's other requests,
    so pages (GET and HEAD outside the live game) are rendered in a pool of
    `--page-threads` native threads (quizapp/offload.py, docs/pages.md), and
    `--worker-class gthread` stays available. Each worker builds its own app after
    the fork, so no database connection is shared between processes.

    Rate limits must be counted in one place for all workers: several workers with
    RATELIMIT_STORAGE_URI=memory:// are refused (point it at Redis), and the start-up
    line says where the counters live.
    """
    from gunicorn.app.base import BaseApplication

    from quizapp.ratelimit import storage_report

    workers = workers or default_workers()
    limits = storage_report(current_app.config, workers)
    if limits.problem:
        raise click.ClickException(limits.problem)
    options = {
        "bind": f"{host}:{port}",
        "workers": workers,
        "worker_class": worker_class,
        "threads": threads,
        # Live game players keep a connection open and poll every 1-3 s.
        "worker_connections": 4000,
        "keepalive": 10,
        "backlog": 4096,
        "timeout": 60,
        "graceful_timeout": 10,
        "accesslog": access_log,
        "access_log_format": '%(h)s "%(r)s" %(s)s %(b)s %(D)sus',
        "errorlog": "-",
        "loglevel": "warning",
    }

    class Server(BaseApplication):
        def load_config(self) -> None:
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self):
            from quizapp import create_app
            from quizapp.offload import ThreadedPages

            app = create_app()
            if worker_class == "gevent" and page_threads:
                return ThreadedPages(app, page_threads)
            return app

    shape = "gevent" if worker_class == "gevent" else f"gthread x {threads} threads"
    pages = ""
    if worker_class == "gevent" and page_threads:
        pages = f"pages rendered in {page_threads} threads each; "
    click.echo(
        f"quizapp serving on http://{options['bind']} ({options['workers']} workers, {shape}); "
        + pages
        + f"{job_runners} job runner(s); "
        + limits.line
    )
    runners = start_job_runners(job_runners)
    try:
        Server().run()
    finally:
        for runner in runners:
            runner.terminate()  # a job cut short is claimed again when its lease ends
        for runner in runners:
            runner.wait(timeout=10)


def init_app(app: Flask) -> None:
    app.cli.add_command(users_cli)
    app.cli.add_command(jobs_cli)
    app.cli.add_command(questions_cli)
    app.cli.add_command(backup_command)
    app.cli.add_command(check_db_command)
    app.cli.add_command(export_command)
    app.cli.add_command(serve_command)
    from quizapp.facts_cli import facts_cli

    app.cli.add_command(facts_cli)
