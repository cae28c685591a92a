"""One named proxy: a listening socket, its upstream, its toxics and its open connections.

Owns start/stop (``enabled``), listen/upstream changes, and accepting clients: each
accepted client gets an upstream connection and two ``ToxicLink``s, one per direction.
Stopping closes the listener and cuts every open connection, as disabling does in Toxiproxy.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import logging
import os
import socket

from harness.errors import ToxiproxyAPIError
from harness.proxy.link import ToxicLink
from harness.proxy.stream import Direction
from harness.proxy.toxic_collection import ToxicCollection

_LOG = logging.getLogger(__name__)
UPSTREAM_CONNECT_TIMEOUT = 10.0
DEFAULT_HOST = "127.0.0.1"  # an empty listen host binds loopback only (Toxiproxy binds all)


def split_address(address: str) -> tuple[str, int]:
    """``host:port`` (``[v6]:port`` too) with Go's error text when it is not one."""
    host, sep, port_text = address.rpartition(":")
    if not sep:
        raise ToxiproxyAPIError(f"address {address}: missing port in address", 500)
    host = host[1:-1] if host.startswith("[") and host.endswith("]") else host
    if port_text == "":
        port_text = "0"
    if not port_text.isdigit() or int(port_text) > 65535:
        raise ToxiproxyAPIError(f"address {port_text}: invalid port", 500)
    return host, int(port_text)


def normalize_listen(address: str) -> str:
    """The form Toxiproxy compares listen addresses in (``localhost`` resolved)."""
    host, port = split_address(address or ":0")
    host = DEFAULT_HOST if host in ("", "localhost") else host
    return format_address(host, port)


def format_address(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


class _Connection:
    """A client and its upstream, joined by two links; done when both links are."""

    def __init__(
        self,
        toxics: ToxicCollection,
        client: tuple[asyncio.StreamReader, asyncio.StreamWriter],
        upstream: tuple[asyncio.StreamReader, asyncio.StreamWriter],
    ) -> None:
        self._toxics = toxics
        client_socket = client[1].get_extra_info("socket")
        upstream_socket = upstream[1].get_extra_info("socket")
        self.links = (
            ToxicLink(
                Direction.UPSTREAM,
                toxics.chain(Direction.UPSTREAM),
                client[0],
                upstream[1],
                lambda: client_socket,
            ),
            ToxicLink(
                Direction.DOWNSTREAM,
                toxics.chain(Direction.DOWNSTREAM),
                upstream[0],
                client[1],
                lambda: upstream_socket,
            ),
        )
        for link in self.links:
            toxics.attach(link)  # no await since chain(): no toxic change can slip between

    async def run(self) -> None:
        try:
            for link in self.links:
                link.start()
            await asyncio.wait([link.done for link in self.links])
        finally:
            for link in self.links:
                self._toxics.detach(link)

    def abort(self) -> None:
        for link in self.links:
            link.abort()


class Proxy:
    def __init__(self, name: str, listen: str, upstream: str) -> None:
        self.name = name
        self.listen = listen
        self.upstream = upstream
        self.enabled = False
        self.toxics = ToxicCollection()
        self._server: asyncio.Server | None = None
        self._connections: set[_Connection] = set()
        self._lock = asyncio.Lock()

    def to_json(self) -> dict[str, object]:
        return {
            "name": self.name,
            "listen": self.listen,
            "upstream": self.upstream,
            "enabled": self.enabled,
            "toxics": [wrapper.to_json() for wrapper in self.toxics.toxics()],
        }

    @property
    def connection_count(self) -> int:
        return len(self._connections)

    async def start(self) -> None:
        async with self._lock:
            await self._start()

    async def stop(self) -> None:
        async with self._lock:
            await self._stop()

    async def update(self, listen: str, upstream: str, enabled: bool) -> None:
        """Apply a PATCH: a new address restarts the proxy; ``enabled`` starts or stops it."""
        async with self._lock:
            if self.differs(listen, upstream):
                await self._stop()
                self.listen, self.upstream = listen, upstream
            if enabled != self.enabled:
                await (self._start() if enabled else self._stop())

    def differs(self, listen: str, upstream: str) -> bool:
        return normalize_listen(listen) != self.listen or upstream != self.upstream

    async def _start(self) -> None:
        if self.enabled:
            return
        host, port = split_address(self.listen or ":0")
        host = host or DEFAULT_HOST
        try:
            self._server = await asyncio.start_server(self._accept, host, port)
        except OSError as exc:
            reason = (os.strerror(exc.errno) if exc.errno else str(exc)).lower()
            verb = "bind" if exc.errno in (errno.EADDRINUSE, errno.EADDRNOTAVAIL, errno.EACCES) else "dial"
            raise ToxiproxyAPIError(
                f"listen tcp {format_address(host, port)}: {verb}: {reason}", 500
            ) from None
        bound = self._server.sockets[0].getsockname()
        self.listen = format_address(str(bound[0]), int(bound[1]))
        self.enabled = True
        _LOG.info("proxy %s listening on %s for %s", self.name, self.listen, self.upstream)

    async def _stop(self) -> None:
        if not self.enabled:
            return
        self.enabled = False
        if self._server is not None:
            self._server.close()
        for connection in list(self._connections):
            connection.abort()
        if self._server is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._server.wait_closed(), 5.0)
            self._server = None

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            host, port = split_address(self.upstream)
            upstream = await asyncio.wait_for(asyncio.open_connection(host, port), UPSTREAM_CONNECT_TIMEOUT)
        except (OSError, TimeoutError, ToxiproxyAPIError) as exc:
            _LOG.warning(
                "proxy %s: unable to open connection to upstream %s: %s", self.name, self.upstream, exc
            )
            writer.transport.abort()
            return
        if not self.enabled:  # disabled while we were dialling
            writer.transport.abort()
            upstream[1].transport.abort()
            return
        for stream in (writer, upstream[1]):
            sock = stream.get_extra_info("socket")
            if sock is not None:
                with contextlib.suppress(OSError):
                    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        connection = _Connection(self.toxics, (reader, writer), upstream)
        self._connections.add(connection)
        try:
            await connection.run()
        finally:
            self._connections.discard(connection)
