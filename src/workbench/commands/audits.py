"""Command-line commands of this capability (registered by workbench.cli)."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    """Add this capability's subcommands to the ``workbench`` parser."""
