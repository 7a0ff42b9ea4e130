"""``python -m planner.cli``: the same as the ``planner`` console script."""

from __future__ import annotations

from planner.cli import main

main()
