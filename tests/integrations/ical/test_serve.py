"""The read-only feed server (planner.integrations.ical.serve)."""

from __future__ import annotations

import http.client
import threading
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import icalendar
import pytest

from planner.errors import InputError
from planner.integrations.ical import (
    STATE_FILE,
    export_calendars,
)
from planner.integrations.ical.serve import CONTENT_TYPE, make_server
from planner.model import Plan
from planner.schedule import Schedule
from tests.integrations.ical.helpers import (
    NOW,
    snapshot,
)


@pytest.fixture
def served(plan: Plan, schedule: Schedule, tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """An export served on a free port: (base URL, folder); stopped afterwards.

    Next to the feeds: a private text file, and ``outside.ics``, a symlink to a
    calendar outside the folder (which must not be served either)."""
    folder = tmp_path / "feeds"
    export_calendars(plan, schedule, folder, now=NOW)
    (folder / "notes.txt").write_text("private", encoding="utf-8")
    secret = tmp_path / "secret.ics"
    secret.write_bytes((folder / "project.ics").read_bytes())
    (folder / "outside.ics").symlink_to(secret)
    server = make_server(folder, 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.base_url, folder
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def request(
    url: str, method: str = "GET", headers: dict[str, str] | None = None
) -> tuple[int, dict[str, str], bytes]:
    """Status, headers and body of one request (HTTP errors included)."""
    req = urllib.request.Request(url, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=5) as resp:
            return resp.status, dict(resp.headers), resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


def test_server_serves_calendars_as_text_calendar(served: tuple[str, Path]) -> None:
    """GET of a feed returns the file as text/calendar; HEAD the headers only."""
    base, folder = served
    status, headers, body = request(base + "team-data.ics")
    assert status == 200
    assert headers["Content-Type"] == CONTENT_TYPE
    assert body == (folder / "team-data.ics").read_bytes()
    icalendar.Calendar.from_ical(body)
    status, headers, body = request(base + "team-data.ics", "HEAD")
    assert status == 200 and body == b""
    assert int(headers["Content-Length"]) == (folder / "team-data.ics").stat().st_size
    etag = request(base + "project.ics")[1]["ETag"]
    assert request(base + "project.ics", headers={"If-None-Match": etag})[0] == 304


@pytest.mark.parametrize(
    "path",
    [
        "",
        "missing.ics",
        STATE_FILE,
        "notes.txt",
        "%2e%2e/etc/passwd",
        "..%2Fteam-data.ics",
        "sub/team-data.ics",
        "%2Fetc%2Fpasswd.ics",
        "outside.ics",
        "..%2Fsecret.ics",
    ],
)
def test_server_answers_404_outside_the_feeds(served: tuple[str, Path], path: str) -> None:
    """Anything but a visible .ics file directly in the folder is 404: no traversal."""
    base, _ = served
    status, _, body = request(base + path)
    assert status == 404
    assert b"BEGIN:VCALENDAR" not in body


def test_server_is_read_only(served: tuple[str, Path]) -> None:
    """Writing methods are refused with 405 and change nothing."""
    base, folder = served
    before = snapshot(folder)
    for method in ("POST", "PUT", "DELETE"):
        status, headers, _ = request(base + "team-data.ics", method)
        assert status == 405
        assert headers["Allow"] == "GET, HEAD"
    assert snapshot(folder) == before


def test_server_raw_traversal_request_is_404(served: tuple[str, Path]) -> None:
    """A raw request line with ../ (which urllib would normalise) is still 404."""
    base, _ = served
    host, port = base.removeprefix("http://").rstrip("/").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=5)
    try:
        conn.request("GET", "/../" + STATE_FILE)
        assert conn.getresponse().status == 404
    finally:
        conn.close()


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda d: make_server(d, 0, host="0.0.0.0"), "only loopback"),
        (lambda d: make_server(d / "nope", 0), "not a folder"),
    ],
)
def test_server_refuses_bad_setups(
    tmp_path: Path, make: Callable[[Path], object], message: str
) -> None:
    """The server only binds loopback addresses and only serves existing folders."""
    with pytest.raises(InputError, match=message):
        make(tmp_path)


def test_server_port_in_use_is_an_input_error(tmp_path: Path) -> None:
    """A port that is taken is an input error naming it."""
    first = make_server(tmp_path, 0)
    try:
        with pytest.raises(InputError) as info:
            make_server(tmp_path, first.port)
        assert str(first.port) in info.value.render()
    finally:
        first.server_close()
