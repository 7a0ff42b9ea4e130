"""A read-only HTTP server for exported calendars, so apps can subscribe by URL.

``planner calendar ... --serve`` exports, then serves the ``.ics`` files of the
output folder on the loopback interface only (``http://127.0.0.1:PORT/team-data.ics``);
calendar apps on the same machine subscribe to those URLs and pick up re-exports on
their next refresh. It answers only GET and HEAD, only for ``.ics`` files directly
inside the folder (no sub-folders, no hidden files, no symlinks leading out, so no
directory traversal), with ``Content-Type: text/calendar``; anything else is 404
(405 for other methods). Files are read on every request, so a re-export into the
folder is served at once without a restart.
"""

from __future__ import annotations

import email.utils
import hashlib
import ipaddress
import urllib.parse
from collections.abc import Callable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from planner.errors import Diagnostic, input_error

#: Port used when none is given (0 lets the system pick a free one).
DEFAULT_PORT = 8765
#: Only loopback addresses are served: the feeds are for apps on this machine.
DEFAULT_HOST = "127.0.0.1"
CONTENT_TYPE = "text/calendar; charset=utf-8"


class CalendarServer(ThreadingHTTPServer):
    """Serves the ``.ics`` files of one folder, read-only, on a loopback address."""

    daemon_threads = True

    def __init__(
        self,
        directory: Path,
        port: int = DEFAULT_PORT,
        host: str = DEFAULT_HOST,
        log: Callable[[str], None] | None = None,
    ) -> None:
        self.directory = directory.resolve()
        self.log = log
        super().__init__((host, port), _Handler)

    @property
    def port(self) -> int:
        """The port listened on (the system's pick when 0 was asked for)."""
        return int(self.server_address[1])

    @property
    def base_url(self) -> str:
        """``http://HOST:PORT/``: a feed's URL is this plus its file name."""
        host = self.server_address[0]
        host = host.decode() if isinstance(host, bytes) else str(host)
        return f"http://{host}:{self.port}/"

    def feeds(self) -> list[str]:
        """The URLs of the calendars currently in the folder, sorted."""
        return [
            self.base_url + urllib.parse.quote(p.name)
            for p in sorted(self.directory.glob("*.ics"))
            if _servable_name(p.name)
        ]


def make_server(
    directory: str | Path,
    port: int = DEFAULT_PORT,
    *,
    host: str = DEFAULT_HOST,
    log: Callable[[str], None] | None = None,
) -> CalendarServer:
    """Bind a :class:`CalendarServer` (call ``serve_forever()`` on it to serve).

    Raises :class:`~planner.errors.InputError` (exit 2) when ``directory`` is not a
    folder, ``host`` is not a loopback address, or the port cannot be bound (in use,
    privileged). ``log`` receives one line per request.
    """
    folder = Path(directory)
    if not folder.is_dir():
        raise input_error([Diagnostic(f"cannot serve {folder}: not a folder")])
    try:
        loopback = ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = host == "localhost"
    if not loopback:
        raise input_error(
            [
                Diagnostic(
                    f"refusing to serve calendars on {host}: only loopback addresses",
                    hint="use 127.0.0.1; put a reverse proxy in front to share feeds",
                )
            ]
        )
    if not 0 <= port <= 65535:
        raise input_error([Diagnostic(f"port {port} is not in 0..65535")])
    try:
        return CalendarServer(folder, port, host, log)
    except OSError as exc:
        raise input_error(
            [
                Diagnostic(
                    f"cannot listen on {host}:{port}: {exc.strerror or exc}",
                    hint="pick another --port (0 picks a free one)",
                )
            ]
        ) from None


def _servable_name(name: str) -> bool:
    """A plain, visible ``.ics`` file name: no separators, no NUL, not hidden."""
    return (
        name.endswith(".ics")
        and not name.startswith(".")
        and "/" not in name
        and "\\" not in name
        and "\0" not in name
    )


class _Handler(BaseHTTPRequestHandler):
    """GET/HEAD of ``/<name>.ics``; 404 for anything else, 405 for other methods."""

    server: CalendarServer
    server_version = "planner-calendar"
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        """Send a calendar file."""
        self._serve(body=True)

    def do_HEAD(self) -> None:
        """Send a calendar file's headers only."""
        self._serve(body=False)

    def _refuse(self) -> None:
        self._plain(HTTPStatus.METHOD_NOT_ALLOWED, "read-only: GET and HEAD only\n", True)

    do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = _refuse

    def _target(self) -> Path | None:
        """The file a request names, or None when it names nothing servable."""
        raw = urllib.parse.urlsplit(self.path).path
        name = urllib.parse.unquote(raw)
        if not name.startswith("/"):
            return None
        name = name[1:]
        if not _servable_name(name):
            return None
        root = self.server.directory
        try:
            resolved = (root / name).resolve(strict=True)
        except (OSError, RuntimeError):
            return None
        if resolved.parent != root or not resolved.is_file():
            return None
        return resolved

    def _serve(self, body: bool) -> None:
        path = self._target()
        data: bytes | None = None
        if path is not None:
            try:
                data = path.read_bytes()
                mtime = path.stat().st_mtime
            except OSError:
                data = None
        if path is None or data is None:
            self._plain(HTTPStatus.NOT_FOUND, "not found\n", body)
            return
        etag = '"' + hashlib.sha256(data).hexdigest()[:32] + '"'
        if self.headers.get("If-None-Match") == etag:
            self.send_response(HTTPStatus.NOT_MODIFIED)
            self.send_header("ETag", etag)
            self.end_headers()
            return
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", CONTENT_TYPE)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("ETag", etag)
        self.send_header("Last-Modified", email.utils.formatdate(mtime, usegmt=True))
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Content-Disposition", f'inline; filename="{path.name}"')
        self.end_headers()
        if body:
            self.wfile.write(data)

    def _plain(self, status: HTTPStatus, text: str, body: bool) -> None:
        data = text.encode("utf-8")
        self.send_response(status)
        if status == HTTPStatus.METHOD_NOT_ALLOWED:
            self.send_header("Allow", "GET, HEAD")
            # a refused request's body is not read: close rather than misread it
            self.send_header("Connection", "close")
            self.close_connection = True
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if body:
            self.wfile.write(data)

    def log_message(self, format: str, *args: object) -> None:
        """One line per request to the server's ``log`` (silent without one)."""
        if self.server.log is not None:
            self.server.log(f"{self.address_string()} {format % args}")
