"""The `quizapp` command line: Flask's own commands plus the project's."""

from __future__ import annotations

import click
from flask import Flask
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


def init_app(app: Flask) -> None:
    app.cli.add_command(users_cli)
