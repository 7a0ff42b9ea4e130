"""Small text helpers shared by every view: slugs, shortened labels, plurals, numbers.

Pure functions on strings and numbers; nothing here knows about plans or schedules.
"""

from __future__ import annotations

import re


def slug(
    text: str, fallback: str = "plan", max_len: int | None = None, *, unicode: bool = False
) -> str:
    """Lower-case ASCII words joined by dashes (``"Churn model"`` -> ``churn-model``).

    ``fallback`` stands in when nothing is left; ``max_len`` cuts the slug (at a word
    boundary's dash, which is then dropped). ``unicode`` keeps any letter or digit
    (``"Données"`` -> ``données``), for names people read, such as download file names.
    """
    if unicode:
        words = "".join(c.lower() if c.isalnum() else "-" for c in text).split("-")
        s = "-".join(w for w in words if w)
    else:
        s = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    if max_len is not None:
        s = s[:max_len].strip("-")
    return s or fallback


def short(text: str | None, width: int, empty: str = "—", *, one_line: bool = True) -> str:
    """``text`` on one line, cut to ``width`` characters with an ellipsis if longer.

    ``one_line=False`` keeps line breaks and runs of spaces as they are (chart labels
    that have always shown the name verbatim).
    """
    if text is None:
        return empty
    if one_line:
        text = " ".join(text.split())
    return text if len(text) <= width else text[: max(0, width - 1)] + "…"


def plural(n: int, word: str, many: str | None = None) -> str:
    """``"1 task"``, ``"3 tasks"`` (``many`` for irregular plurals)."""
    return f"{n} {word if n == 1 else (many or word + 's')}"


def num(x: float) -> str:
    """A number without a trailing ``.0``: ``2.0`` -> ``2``, ``2.5`` -> ``2.5``."""
    return f"{x:g}"


def signed(n: int | None, empty: str = "—") -> str:
    """A difference with its sign: ``+3``, ``0``, ``-2`` (``empty`` for None)."""
    if n is None:
        return empty
    return f"{n:+d}" if n else "0"
