"""The one base of the fake services the tests talk HTTP to on 127.0.0.1 (fakearxiv, fakes2,
fakecommunity, fakehighlights, fakesocial): a threading server that says nothing when a client gives
up (a stall the tool timed out on is expected, and the tools under test share this stderr), and a
handler that answers bytes or JSON with the headers a real service sends."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class QuietServer(ThreadingHTTPServer):
    daemon_threads = True
    state: Any

    def handle_error(self, request: object, client_address: object) -> None:
        pass


class FakeHandler(BaseHTTPRequestHandler):
    server: QuietServer

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - http.server's name
        pass

    def reply(self, status: int, body: bytes, content_type: str, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        try:
            self.wfile.write(body)
        except OSError:  # the client gave up
            pass

    def reply_json(self, status: int, data: Any, headers: dict[str, str] | None = None) -> None:
        self.reply(status, json.dumps(data).encode("utf-8"), "application/json", headers)


def serve(handler: type[FakeHandler], state: Any, path: str = "") -> QuietServer:
    """`handler` serving `state` on a free loopback port (state.url set, ending in `path`); the caller shuts it down."""
    server = QuietServer(("127.0.0.1", 0), handler)
    server.state = state
    state.url = f"http://127.0.0.1:{server.server_address[1]}{path}"
    # A short poll: shutdown() waits for it, once per test that serves (0.5 s by default).
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True).start()
    return server
