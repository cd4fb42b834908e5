"""The `quizapp` command line: Flask's own commands plus the project's."""

from __future__ import annotations

import json
from collections import Counter

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup

from quizapp.services import ServiceError


def create_cli_app() -> Flask:
    from quizapp import create_app

    return create_app()


@click.group(cls=FlaskGroup, create_app=create_cli_app)
def main() -> None:
    """quizapp: learn facts with generated questions and spaced repetition."""


users_cli = click.Group("users", help="Manage accounts.")


@users_cli.command("set-role")
@click.argument("email")
@click.argument("role", type=click.Choice(["student", "teacher"]))
def set_role_command(email: str, role: str) -> None:
    """Give the account EMAIL the role ROLE (student or teacher)."""
    from quizapp.services import accounts

    try:
        user = accounts.set_role(email, role)
    except ServiceError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"{user.email} is now a {user.role}.")


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


@questions_cli.command("load")
@click.argument("paths", nargs=-1, type=click.Path(exists=True))
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
def questions_export(fmt: str, deck_key: str | None, output) -> None:
    """Print the loaded questions, one JSON object per line (the question-bank format)."""
    from quizapp.services import decks as deck_service

    try:
        bank = deck_service.question_bank(deck_key)
    except ServiceError as exc:
        raise click.ClickException(str(exc)) from exc
    for question in bank:
        output.write(json.dumps(question, ensure_ascii=False, sort_keys=True) + "\n")


def default_workers() -> int:
    """One worker process per CPU core this process may use."""
    import os

    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


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
    "--threads", type=click.IntRange(1, 256), default=8, show_default=True, help="Per worker."
)
def serve_command(host: str, port: int, workers: int | None, threads: int) -> None:
    """Serve quizapp in production with gunicorn (gthread workers).

    Threaded workers keep thousands of idle keep-alive connections (live game
    players between polls) cheaply and let a request waiting on the database not
    block the others. Each worker builds its own app after the fork, so no database
    connection is shared between processes.
    """
    from gunicorn.app.base import BaseApplication

    options = {
        "bind": f"{host}:{port}",
        "workers": workers or default_workers(),
        "worker_class": "gthread",
        "threads": threads,
        # Live game players keep a connection open and poll every 1-3 s.
        "worker_connections": 4000,
        "keepalive": 10,
        "backlog": 4096,
        "timeout": 60,
        "graceful_timeout": 10,
        "accesslog": None,
        "errorlog": "-",
        "loglevel": "warning",
    }

    class Server(BaseApplication):
        def load_config(self) -> None:
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self):
            from quizapp import create_app

            return create_app()

    click.echo(
        f"quizapp serving on http://{options['bind']} "
        f"({options['workers']} workers x {threads} threads)"
    )
    Server().run()


def init_app(app: Flask) -> None:
    app.cli.add_command(users_cli)
    app.cli.add_command(questions_cli)
    app.cli.add_command(serve_command)
