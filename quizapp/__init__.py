"""quizapp: learn facts with generated questions, spaced repetition and classroom quizzes.

`create_app` reads like a table of contents: configuration, extensions,
blueprints, error handlers, commands. It does no I/O beyond configuration.
"""

from __future__ import annotations

import os
from typing import Any

from flask import Flask

from quizapp.config import load_config


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the quizapp application.

    Args:
        test_config: Settings that override the defaults and the environment
            (tests pass a temporary database here).

    Returns:
        The configured Flask application.
    """
    app = Flask(__name__, instance_relative_config=True)
    os.makedirs(app.instance_path, exist_ok=True)
    app.config.from_mapping(load_config(app.instance_path, test_config))
    app.jinja_env.add_extension("jinja2.ext.do")

    register_extensions(app)
    register_security(app)
    register_blueprints(app)
    register_middleware(app)
    register_errorhandlers(app)
    register_commands(app)
    return app


def register_extensions(app: Flask) -> None:
    from quizapp import extensions, models  # noqa: F401  (models: every table on db.metadata)

    extensions.init_app(app)


def register_security(app: Flask) -> None:
    from quizapp import security

    security.init_app(app)


def register_blueprints(app: Flask) -> None:
    from quizapp.auth.views import bp as auth_bp
    from quizapp.classroom.views import bp as classroom_bp
    from quizapp.decks.views import bp as decks_bp
    from quizapp.editor.views import bp as editor_bp
    from quizapp.export.views import bp as export_bp
    from quizapp.live.views import bp as live_bp
    from quizapp.lti.views import bp as lti_bp
    from quizapp.main.views import bp as main_bp
    from quizapp.quiz.views import bp as quiz_bp
    from quizapp.scores.views import bp as scores_bp
    from quizapp.study.views import bp as study_bp

    app.register_blueprint(main_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(decks_bp)
    app.register_blueprint(export_bp)
    app.register_blueprint(editor_bp)
    app.register_blueprint(quiz_bp)
    app.register_blueprint(scores_bp)
    app.register_blueprint(classroom_bp)
    app.register_blueprint(live_bp)
    app.register_blueprint(study_bp)
    app.register_blueprint(lti_bp)


def register_middleware(app: Flask) -> None:
    from quizapp.live import fastpath

    # Live games' polls and answers are answered before Flask sees them: the most
    # frequent requests, which need neither a session nor routing (see fastpath.py).
    fastpath.install(app)


def register_errorhandlers(app: Flask) -> None:
    from quizapp import errors

    errors.init_app(app)


def register_commands(app: Flask) -> None:
    from quizapp import commands

    commands.init_app(app)
