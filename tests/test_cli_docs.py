"""The command line is documented: a test fails when a command or option is missing from the README."""

from __future__ import annotations

import re

import pytest

from newsprism.cli import main

from .conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
def _commands(group, prefix=""):
    """Every command, with subcommands of groups as "group sub"."""
    for name, command in sorted(group.commands.items()):
        if hasattr(command, "commands"):
            yield from _commands(command, f"{prefix}{name} ")
        else:
            yield f"{prefix}{name}", command


ALL = dict(_commands(main))
COMMANDS = sorted(ALL)


def test_the_commands_the_product_promises_exist():
    assert {"ingest", "articles", "article", "stories", "story", "compare", "recluster", "eval clustering"} <= set(COMMANDS)


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_is_in_the_readme(name):
    assert re.search(rf"`newsprism {name}\b", README), f"README does not document `newsprism {name}`"


@pytest.mark.parametrize("name", COMMANDS)
def test_every_option_is_in_the_readme(name):
    for param in ALL[name].params:
        for option in getattr(param, "opts", []):
            if option.startswith("--") and option != "--help":
                assert f"`{option}" in README or f"{option} " in README, f"{name} {option} is undocumented"


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_has_help(name, run_cli):
    result = run_cli(*name.split(), "--help")
    assert result.returncode == 0
    assert "Usage: " in result.stdout and name in result.stdout


def test_unknown_command_is_one_clear_line(run_cli):
    result = run_cli("frobnicate")
    assert result.returncode == 2 and "No such command" in result.stderr and "Traceback" not in result.stderr
