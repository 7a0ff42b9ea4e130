"""``python -m planner``: the same as the ``planner`` command."""

from __future__ import annotations

from planner.cli import main

main()
