"""Docs cannot drift: every command and every setting is in the README."""

from pathlib import Path

from typer.main import get_command

from leadscout.cli import app
from leadscout.config import Settings

README = (Path(__file__).resolve().parents[2] / "README.md").read_text()


def _commands(group: object, prefix: str = "") -> list[str]:
    names = []
    for name, command in getattr(group, "commands", {}).items():
        full = f"{prefix}{name}"
        names.append(full)
        names.extend(_commands(command, full + " "))
    return names


def test_every_command_is_documented() -> None:
    commands = _commands(get_command(app))
    assert len(commands) > 15
    missing = [c for c in commands if c not in README]
    assert missing == []


def test_every_setting_is_documented() -> None:
    missing = []
    for name, field in Settings.model_fields.items():
        aliases = getattr(field.validation_alias, "choices", [name])
        if not any(alias in README for alias in aliases):
            missing.append(name)
    assert missing == []


def test_readme_opens_with_the_two_commands_and_ci_runs_the_test_one() -> None:
    head = README.split("```")[1]
    assert "./scripts/quickstart.sh" in head and "./scripts/test.sh" in head
    ci = (Path(__file__).resolve().parents[2] / ".ci" / "run").read_text()
    assert "scripts/test.sh" in ci
