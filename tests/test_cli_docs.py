"""The command line is documented: a test fails when a command or option is missing from the README."""

from __future__ import annotations

import re

import click
import pytest

from newsprism.cli import main

from .conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def _commands(group, prefix=""):
    """Every command, with subcommands of groups as "group sub" (a group that runs without a subcommand,
    as `stories` lists stories, is a command too)."""
    for name, command in sorted(group.commands.items()):
        if hasattr(command, "commands"):
            if command.invoke_without_command:
                yield f"{prefix}{name}", command
            yield from _commands(command, f"{prefix}{name} ")
        else:
            yield f"{prefix}{name}", command


ALL = dict(_commands(main))
COMMANDS = sorted(ALL)


def section(heading: str) -> str:
    """The README's text under the heading that starts with `heading`, up to the next heading."""
    found = re.search(rf"^{re.escape(heading)}.*?$(.*?)(?=^#)", README, re.M | re.S)
    return found.group(1) if found else ""


# What "## The command line" says before the first command's section holds for every command (--db).
COMMON = section("## The command line")


def documented(option: str, text: str) -> bool:
    """`option` appears as code (`--json`, `--format table|json`, `-o FILE`), not as part of a longer name."""
    return re.search(rf"`{re.escape(option)}(?![\w-])", text) is not None


def test_the_commands_the_product_promises_exist():
    promised = {"ingest", "articles", "article", "stories", "story", "compare", "recluster", "eval clustering"}
    assert promised <= set(COMMANDS)


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_has_its_section_in_the_readme(name):
    assert section(f"### `newsprism {name}").strip(), f"README has no section for `newsprism {name}`"


@pytest.mark.parametrize("name", COMMANDS)
def test_every_option_is_documented_in_its_commands_section(name):
    """An option counts as documented only in its own command's section (or the part every command shares):
    `--json` in the ingest section does not document `stories --json`."""
    text = section(f"### `newsprism {name}") + COMMON
    for param in ALL[name].params:
        names = [option for option in param.opts + param.secondary_opts if option != "--help"]
        if isinstance(param, click.Option) and names:
            assert any(documented(option, text) for option in names), \
                f"`newsprism {name}` {'/'.join(names)} is not documented in its README section"


def test_the_section_check_can_fail():
    assert documented("--json", "`--json` prints") and documented("-o", "`-o FILE`")
    assert not documented("--json", "`--jsonl`") and not documented("--json", "--json without code marks")
    assert "--min-outlets" in section("### `newsprism stories")
    assert "--min-outlets" not in section("### `newsprism ingest")


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_has_help(name, run_cli):
    result = run_cli(*name.split(), "--help")
    assert result.returncode == 0
    assert "Usage: " in result.stdout and name in result.stdout


def test_unknown_command_is_one_clear_line(run_cli):
    result = run_cli("frobnicate")
    assert result.returncode == 2 and "No such command" in result.stderr and "Traceback" not in result.stderr
