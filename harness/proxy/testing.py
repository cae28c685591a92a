"""Test helpers for fault-injection code: an echo upstream, socket probes, API drivers.

Reusable by any test that puts the proxy between a client and a server: ``EchoServer`` is
a threaded upstream that records what it received; ``connect``/``round_trip``/
``read_until_closed`` observe a toxic from the client side; ``HttpDriver`` and
``OfficialDriver`` create proxies and toxics through raw HTTP or the official
toxiproxy-python client. Everything is bounded in time: sockets time out and servers stop
by themselves after ``SERVER_LIFETIME`` seconds.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from typing import Any, Protocol
from urllib.parse import urlsplit

import httpx

SOCKET_TIMEOUT = 5.0
SERVER_LIFETIME = 60.0


class EchoServer:
    """Threaded TCP echo server; ``received`` holds the byte count of each finished connection."""

    def __init__(self) -> None:
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.1)
        self.port = int(self._listener.getsockname()[1])
        self.received: list[int] = []
        self.accepted = 0
        self._stop = threading.Event()
        self._deadline = time.monotonic() + SERVER_LIFETIME
        self._threads: list[threading.Thread] = []
        self._accept_thread = threading.Thread(target=self._accept_loop, daemon=True)
        self._accept_thread.start()

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def _running(self) -> bool:
        return not self._stop.is_set() and time.monotonic() < self._deadline

    def _accept_loop(self) -> None:
        while self._running():
            try:
                conn, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.accepted += 1
            thread = threading.Thread(target=self._echo, args=(conn,), daemon=True)
            self._threads.append(thread)
            thread.start()

    def _echo(self, conn: socket.socket) -> None:
        total = 0
        conn.settimeout(0.1)
        with conn:
            while self._running():
                try:
                    data = conn.recv(65536)
                except TimeoutError:
                    continue
                except OSError:
                    break
                if not data:
                    break
                total += len(data)
                try:
                    conn.settimeout(SOCKET_TIMEOUT)
                    conn.sendall(data)
                    conn.settimeout(0.1)
                except OSError:
                    break
        self.received.append(total)

    def wait_for_connections(self, count: int, timeout: float = 5.0) -> None:
        deadline = time.monotonic() + timeout
        while len(self.received) < count and time.monotonic() < deadline:
            time.sleep(0.01)

    def close(self) -> None:
        self._stop.set()
        self._listener.close()
        self._accept_thread.join(2)
        for thread in self._threads:
            thread.join(2)


class Driver(Protocol):
    """What a toxic test needs from an API client."""

    def create_proxy(self, name: str, upstream: str) -> tuple[str, int]: ...

    def add_toxic(
        self,
        proxy: str,
        type: str,
        attributes: dict[str, int],
        stream: str = "downstream",
        toxicity: float = 1.0,
        name: str | None = None,
    ) -> None: ...

    def remove_toxic(self, proxy: str, name: str) -> None: ...

    def set_enabled(self, proxy: str, enabled: bool) -> None: ...


def _address(listen: str) -> tuple[str, int]:
    host, _, port = listen.rpartition(":")
    return ("127.0.0.1" if host in ("", "0.0.0.0", "[::]") else host), int(port)


class HttpDriver:
    """Raw HTTP, exactly the requests Toxiproxy's docs describe."""

    def __init__(self, client: httpx.Client) -> None:
        self.client = client

    def create_proxy(self, name: str, upstream: str) -> tuple[str, int]:
        response = self.client.post(
            "/proxies", json={"name": name, "upstream": upstream, "listen": "127.0.0.1:0"}
        )
        assert response.status_code == 201, response.text
        return _address(response.json()["listen"])

    def add_toxic(
        self,
        proxy: str,
        type: str,
        attributes: dict[str, int],
        stream: str = "downstream",
        toxicity: float = 1.0,
        name: str | None = None,
    ) -> None:
        body: dict[str, Any] = {
            "type": type,
            "stream": stream,
            "toxicity": toxicity,
            "attributes": attributes,
        }
        if name is not None:
            body["name"] = name
        response = self.client.post(f"/proxies/{proxy}/toxics", json=body)
        assert response.status_code == 200, response.text

    def remove_toxic(self, proxy: str, name: str) -> None:
        assert self.client.delete(f"/proxies/{proxy}/toxics/{name}").status_code == 204

    def set_enabled(self, proxy: str, enabled: bool) -> None:
        assert self.client.patch(f"/proxies/{proxy}", json={"enabled": enabled}).status_code == 200


class OfficialDriver:
    """The official toxiproxy-python client, unchanged."""

    def __init__(self, url: str) -> None:
        from toxiproxy import Toxiproxy

        parts = urlsplit(url)
        self.server = Toxiproxy()
        self.server.update_api_consumer(parts.hostname, parts.port)
        self.proxies: dict[str, Any] = {}

    def create_proxy(self, name: str, upstream: str) -> tuple[str, int]:
        proxy = self.server.create(upstream=upstream, name=name)
        self.proxies[name] = proxy
        return _address(proxy.listen)

    def add_toxic(
        self,
        proxy: str,
        type: str,
        attributes: dict[str, int],
        stream: str = "downstream",
        toxicity: float = 1.0,
        name: str | None = None,
    ) -> None:
        kwargs: dict[str, Any] = {
            "type": type,
            "stream": stream,
            "toxicity": toxicity,
            "attributes": attributes,
        }
        if name is not None:
            kwargs["name"] = name
        self.proxies[proxy].add_toxic(**kwargs)

    def remove_toxic(self, proxy: str, name: str) -> None:
        assert self.proxies[proxy].destroy_toxic(name)

    def set_enabled(self, proxy: str, enabled: bool) -> None:
        if enabled:
            self.proxies[proxy].enable()
        else:
            self.proxies[proxy].disable()


def connect(address: tuple[str, int]) -> socket.socket:
    sock = socket.create_connection(address, timeout=SOCKET_TIMEOUT)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return sock


def recv_exactly(sock: socket.socket, size: int) -> bytes:
    data = bytearray()
    while len(data) < size:
        piece = sock.recv(size - len(data))
        if not piece:
            raise ConnectionError(f"closed after {len(data)} of {size} bytes")
        data += piece
    return bytes(data)


def round_trip(sock: socket.socket, payload: bytes = b"ping") -> float:
    started = time.perf_counter()
    sock.sendall(payload)
    assert recv_exactly(sock, len(payload)) == payload
    return time.perf_counter() - started


def read_until_closed(sock: socket.socket, timeout: float = SOCKET_TIMEOUT) -> tuple[bytes, str]:
    """Everything received and how the stream ended: "eof", "reset" or "open" (timed out)."""
    sock.settimeout(timeout)
    data = bytearray()
    with contextlib.suppress(OSError):
        while True:
            try:
                piece = sock.recv(65536)
            except ConnectionResetError:
                return bytes(data), "reset"
            except TimeoutError:
                return bytes(data), "open"
            if not piece:
                return bytes(data), "eof"
            data += piece
    return bytes(data), "reset"
