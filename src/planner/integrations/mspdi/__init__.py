"""MS Project XML (MSPDI) interchange: export a schedule, import a plan.

:func:`schedule_to_mspdi` writes a plan and its schedule as MSPDI text;
:func:`mspdi_to_plan` reads MSPDI text into plan data plus a report of everything
that did not map. Both are pure (text in, text or data out); the CLI writes files.
"""

from planner.integrations.mspdi.export import export_notes, schedule_to_mspdi
from planner.integrations.mspdi.to_plan import mspdi_to_plan

__all__ = ["export_notes", "mspdi_to_plan", "schedule_to_mspdi"]
