"""A tiny Chrome DevTools Protocol client to open pages in headless Debian chromium.

Starts ``/usr/bin/chromium --headless`` with its own profile folder and
``--remote-debugging-port=0``, attaches to the page over a websocket
(``websocket-client``), records console messages, uncaught exceptions, log
entries and network requests, evaluates JavaScript and takes screenshots.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import signal
import subprocess
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import websocket

CHROMIUM = Path("/usr/bin/chromium")

FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
    "--mute-audio",
    "--remote-allow-origins=*",
    "--remote-debugging-port=0",
)


@dataclass
class PageLog:
    """What a page reported while it was open."""

    exceptions: list[str] = field(default_factory=list)
    console: list[tuple[str, str]] = field(default_factory=list)  # (type, text)
    log: list[tuple[str, str]] = field(default_factory=list)  # (level, text)
    requests: list[str] = field(default_factory=list)

    @property
    def errors(self) -> list[str]:
        """Uncaught exceptions, console.error/assert calls and error log entries."""
        out = list(self.exceptions)
        out += [
            f"console.{kind}: {text}" for kind, text in self.console if kind in ("error", "assert")
        ]
        out += [f"log {level}: {text}" for level, text in self.log if level == "error"]
        return out

    @property
    def remote_requests(self) -> list[str]:
        """Requests that would need a network (not file:, data:, blob: or about:)."""
        local = ("file:", "data:", "blob:", "about:", "chrome:", "devtools:")
        return [u for u in self.requests if not u.startswith(local)]


class Chromium:
    """One headless chromium with one page, driven over the DevTools protocol."""

    def __init__(self, profile: Path, width: int = 1400, height: int = 900) -> None:
        profile.mkdir(parents=True, exist_ok=True)
        self.proc = subprocess.Popen(
            [
                str(CHROMIUM),
                *FLAGS,
                f"--user-data-dir={profile}",
                f"--window-size={width},{height}",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        self.width, self.height = width, height
        self._id = 0
        self.log = PageLog()
        self._loaded = False
        try:
            port = self._port(profile / "DevToolsActivePort")
            self.ws = websocket.create_connection(
                self._page_ws(port), timeout=60, suppress_origin=True
            )
        except BaseException:
            self.close()
            raise
        for domain in ("Page", "Runtime", "Log", "Network"):
            self.send(f"{domain}.enable")
        self.send(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False},
        )

    def _port(self, active: Path, timeout: float = 30.0) -> int:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"chromium exited with {self.proc.returncode}")
            with contextlib.suppress(OSError, ValueError, IndexError):
                return int(active.read_text().splitlines()[0])
            time.sleep(0.1)
        raise TimeoutError("chromium did not open its DevTools port")

    @staticmethod
    def _page_ws(port: int, timeout: float = 30.0) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError, ValueError):
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=5) as r:
                    targets = json.loads(r.read())
                for t in targets:
                    if t.get("type") == "page":
                        return str(t["webSocketDebuggerUrl"])
            time.sleep(0.1)
        raise TimeoutError("chromium has no page target")

    # ------------------------------------------------------------------ protocol

    def send(self, method: str, params: dict[str, Any] | None = None, timeout: float = 60) -> Any:
        """Call a DevTools method and return its result (events are recorded meanwhile)."""
        self._id += 1
        msg_id = self._id
        self.ws.send(json.dumps({"id": msg_id, "method": method, "params": params or {}}))
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            msg = json.loads(self.ws.recv())
            if msg.get("id") == msg_id:
                if "error" in msg:
                    raise RuntimeError(f"{method}: {msg['error']}")
                return msg.get("result", {})
            self._event(msg)
        raise TimeoutError(method)

    def _event(self, msg: dict[str, Any]) -> None:
        method, params = msg.get("method"), msg.get("params", {})
        if method == "Runtime.exceptionThrown":
            d = params.get("exceptionDetails", {})
            text = d.get("exception", {}).get("description") or d.get("text", "")
            self.log.exceptions.append(f"uncaught: {text}")
        elif method == "Runtime.consoleAPICalled":
            args = " ".join(
                str(a.get("value", a.get("description", ""))) for a in params.get("args", [])
            )
            self.log.console.append((params.get("type", ""), args))
        elif method == "Log.entryAdded":
            e = params.get("entry", {})
            self.log.log.append((e.get("level", ""), f"{e.get('text', '')} {e.get('url', '')}"))
        elif method == "Network.requestWillBeSent":
            self.log.requests.append(params.get("request", {}).get("url", ""))
        elif method == "Page.loadEventFired":
            self._loaded = True

    def pump(self, seconds: float) -> None:
        """Record events for a while."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            self.ws.settimeout(max(0.05, deadline - time.monotonic()))
            try:
                self._event(json.loads(self.ws.recv()))
            except websocket.WebSocketTimeoutException:
                break
        self.ws.settimeout(60)

    # ------------------------------------------------------------------ pages

    def open(self, url: str, timeout: float = 60) -> None:
        """Navigate and wait for the load event."""
        self._loaded = False
        self.send("Page.navigate", {"url": url})
        deadline = time.monotonic() + timeout
        while not self._loaded and time.monotonic() < deadline:
            self.pump(0.2)
        if not self._loaded:
            raise TimeoutError(f"{url} did not load")

    def evaluate(self, expression: str, *, await_promise: bool = False) -> Any:
        """Evaluate JavaScript in the page; its value (exceptions raise RuntimeError)."""
        result = self.send(
            "Runtime.evaluate",
            {"expression": expression, "returnByValue": True, "awaitPromise": await_promise},
        )
        if "exceptionDetails" in result:
            d = result["exceptionDetails"]
            raise RuntimeError(d.get("exception", {}).get("description") or d.get("text"))
        return result.get("result", {}).get("value")

    def wait_for(self, expression: str, timeout: float = 30) -> None:
        """Wait until a JavaScript expression is truthy."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.evaluate(expression):
                return
            self.pump(0.2)
        raise TimeoutError(f"never true: {expression}")

    def screenshot(self, path: Path, *, full_page: bool = False) -> bytes:
        """Save a PNG screenshot of the viewport (or the whole page)."""
        params: dict[str, Any] = {"format": "png"}
        if full_page:
            size = self.evaluate(
                "[document.documentElement.scrollWidth, document.documentElement.scrollHeight]"
            )
            params["captureBeyondViewport"] = True
            params["clip"] = {"x": 0, "y": 0, "width": size[0], "height": size[1], "scale": 1}
        data = base64.b64decode(self.send("Page.captureScreenshot", params)["data"])
        path.write_bytes(data)
        return data

    def close(self) -> None:
        """Close the browser (and everything it started)."""
        with contextlib.suppress(Exception):
            self.send("Browser.close", timeout=5)
        with contextlib.suppress(Exception):
            self.ws.close()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)  # our own session, by its id
            self.proc.wait(timeout=10)

    def __enter__(self) -> Chromium:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
