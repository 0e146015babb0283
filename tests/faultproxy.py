"""A loopback HTTP proxy in front of a real SPARQL server that fails on purpose.

Each request takes the next action from ``plan`` (then ``default``):

- ``ok``: forwarded, the server's answer returned;
- ``500``, ``503``, ``414``: that status, the request never reaches the server;
- ``slow``: waits ``slow_seconds`` (longer than the client's time-out), then forwards;
- ``cut``: reads the request and closes the connection without an answer, not forwarded;
- ``lost``: forwarded (the server applies it), then the connection is closed: the client
  cannot tell whether it was applied;
- ``down``: the listening socket is closed from then on (the server went away mid-run).
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx


class FaultProxy:
    def __init__(self, upstream: str, *, default: str = "ok", slow_seconds: float = 3.0) -> None:
        self.upstream = upstream.rstrip("/")
        self.plan: list[str] = []
        self.default = default
        self.slow_seconds = slow_seconds
        self.seen: list[tuple[str, str]] = []  # (action, path) of every request
        self.lock = threading.Lock()
        self.server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        assert self.server
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def next_action(self, path: str) -> str:
        with self.lock:
            action = self.plan.pop(0) if self.plan else self.default
            self.seen.append((action, path))
            return action

    def handler(self) -> type[BaseHTTPRequestHandler]:
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:
                pass

            def _body(self) -> bytes:
                n = int(self.headers.get("Content-Length") or 0)
                return self.rfile.read(n) if n else b""

            def _forward(self, body: bytes) -> httpx.Response:
                headers = {
                    k: v for k, v in self.headers.items() if k.lower() not in ("host", "content-length")
                }
                return httpx.request(
                    self.command, proxy.upstream + self.path, content=body, headers=headers, timeout=60
                )

            def _reply(self, status: int, body: bytes, ctype: str = "text/plain") -> None:
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def _handle(self) -> None:
                body = self._body()
                action = proxy.next_action(self.path)
                if action == "down":
                    proxy.close()
                    self.close_connection = True
                    self.connection.shutdown(socket.SHUT_RDWR)
                    return
                if action in ("500", "503", "414"):
                    self._reply(int(action), f"injected {action}".encode())
                    return
                if action == "cut":
                    self.close_connection = True
                    self.connection.shutdown(socket.SHUT_RDWR)
                    return
                if action == "slow":
                    time.sleep(proxy.slow_seconds)
                try:
                    r = self._forward(body)
                except httpx.HTTPError as exc:  # the server behind went away (the test is over)
                    self._reply(502, str(exc).encode())
                    return
                if action == "lost":
                    self.close_connection = True
                    self.connection.shutdown(socket.SHUT_RDWR)
                    return
                self._reply(r.status_code, r.content, r.headers.get("content-type", "text/plain"))

            do_GET = do_POST = do_PUT = do_DELETE = _handle

        return Handler

    def start(self) -> FaultProxy:
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self.handler())
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def close(self) -> None:
        if self.server:
            threading.Thread(target=self.server.shutdown, daemon=True).start()
            self.server.server_close()


@contextmanager
def fault_proxy(upstream: str, **kwargs: object) -> Iterator[FaultProxy]:
    proxy = FaultProxy(upstream, **kwargs).start()  # type: ignore[arg-type]
    try:
        yield proxy
    finally:
        proxy.close()
