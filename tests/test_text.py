"""The shared text helpers: slugs, shortened labels, plurals, numbers, signed differences."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from planner.text import num, plural, short, signed, slug


def test_slug_examples() -> None:
    """Words become lower-case dashes; nothing left gives the fallback; max_len cuts at a dash."""
    assert slug("Churn model v2!") == "churn-model-v2"
    assert slug("  --  ") == "plan"
    assert slug("!!", fallback="x") == "x"
    assert slug("Churn model", max_len=6) == "churn"
    assert slug("Données clients") == "donn-es-clients"
    assert slug("Données clients", unicode=True) == "données-clients"


@given(st.text(), st.booleans())
def test_slug_is_the_words_joined_by_dashes(text: str, unicode: bool) -> None:
    """A slug is the runs of letters and digits, lower-cased, joined by single dashes."""
    s = slug(text, fallback="", unicode=unicode)
    if unicode:
        words = [w.lower() for w in re.findall(r"[^\W_]+", text)]
    else:
        words = re.findall(r"[a-z0-9]+", text.lower())
    assert s == "-".join(words)


def test_short_examples() -> None:
    """Long text is cut with an ellipsis to the width; None gives the empty mark."""
    assert short("abcdef", 4) == "abc…"
    assert short("abcd", 4) == "abcd"
    assert short(None, 4) == "—"
    assert short("a \n  b", 10) == "a b"
    assert short("a \n  b", 10, one_line=False) == "a \n  b"


@given(st.text(), st.integers(min_value=1, max_value=50), st.booleans())
def test_short_fits_and_keeps_a_prefix(text: str, width: int, one_line: bool) -> None:
    """The result fits the width and is a prefix of the (one-lined) text, marked if cut."""
    out = short(text, width, one_line=one_line)
    source = " ".join(text.split()) if one_line else text
    assert len(out) <= width
    if out == source:
        return
    assert out.endswith("…") and source.startswith(out[:-1])
    assert len(out) == width


def test_plural_and_num() -> None:
    """1 has no plural s, others do (or the irregular form); whole floats lose their .0."""
    assert plural(1, "task") == "1 task"
    assert plural(0, "task") == "0 tasks"
    assert plural(2, "person", "people") == "2 people"
    assert num(2.0) == "2"
    assert num(2.5) == "2.5"


@given(st.integers(min_value=-(10**6), max_value=10**6))
def test_signed_round_trips(n: int) -> None:
    """A signed difference reads back as the same integer, with a + on positives only."""
    s = signed(n)
    assert int(s) == n
    assert s.startswith("+") == (n > 0)
    assert signed(None) == "—" and signed(None, "n/a") == "n/a"
