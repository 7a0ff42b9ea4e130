"""Views of a schedule: tables, Markdown, CSV (and HTML/Gantt reports)."""
