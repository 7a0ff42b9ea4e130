"""Adapters at the edge: Jira and iCalendar. They read plans and schedules, never the solver."""
