"""The ``govarchive`` group loads each command's module only when the command runs (crawler/cli/base.py)."""

from __future__ import annotations

import importlib
import subprocess
import sys

from crawler.cli.base import COMMAND_MODULES, cli


def test_every_command_is_found_in_the_module_the_group_imports_for_it():
    """A command missing from COMMAND_MODULES would never be found; one mapped to the wrong module neither."""
    for module in set(COMMAND_MODULES.values()):
        importlib.import_module(f"crawler.cli.{module}")
    assert sorted(cli.commands) == sorted(COMMAND_MODULES)
    assert {name: command.callback.__module__ for name, command in cli.commands.items()} == \
        {name: f"crawler.cli.{module}" for name, module in COMMAND_MODULES.items()}


def test_a_command_loads_only_its_own_module():
    """``govarchive worker`` runs for days: it holds no archive code it never calls."""
    loaded = subprocess.run(
        [sys.executable, "-c", "import sys\nfrom crawler.cli import cli\ncli.get_command(None, 'worker')\n"
                               "print(sorted(m for m in sys.modules if m.startswith('crawler.cli.')))"],
        capture_output=True, text=True, check=True).stdout
    assert loaded.strip() == str(["crawler.cli.base", "crawler.cli.output", "crawler.cli.queue"])
