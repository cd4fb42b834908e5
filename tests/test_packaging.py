"""The distribution's name: `quizapp` on the public package index is someone else's project."""

from __future__ import annotations

import tomllib
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DISTRIBUTION = "quizapp-learn"


def pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def test_the_distribution_is_not_named_like_the_unrelated_quizapp_on_the_index():
    project = pyproject()["project"]
    assert project["name"] == DISTRIBUTION
    # The command and the import package keep their name.
    assert project["scripts"] == {"quizapp": "quizapp.commands:main"}
    assert pyproject()["tool"]["setuptools"]["packages"]["find"]["include"] == ["quizapp*"]


def test_the_installed_distribution_provides_the_quizapp_command():
    scripts = metadata.distribution(DISTRIBUTION).entry_points.select(group="console_scripts")
    assert {entry.name: entry.value for entry in scripts} == {"quizapp": "quizapp.commands:main"}


def test_the_readme_says_which_name_to_install():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"`{DISTRIBUTION}`" in readme
    assert "never `pip install quizapp`" in readme
