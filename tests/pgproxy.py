"""A loopback TCP proxy in front of PostgreSQL that can play "the server restarted".

`down()` closes the listening socket (new connections are refused, as by a server that is not up) and shuts every
proxied connection (the app's pooled connections die mid-use, as when PostgreSQL restarts). `up()` listens again
on the same port and forwards to the real server.
"""

from __future__ import annotations

import contextlib
import socket
import threading


class PostgresProxy:
    def __init__(self, upstream_host: str, upstream_port: int) -> None:
        self.upstream = (upstream_host, upstream_port)
        self._lock = threading.Lock()
        self._sockets: set[socket.socket] = set()
        self._listener: socket.socket | None = None
        self._stop = threading.Event()
        self._accepting: threading.Thread | None = None
        self.port = 0
        self.accepted = 0

    # -- control -----------------------------------------------------------------------------------------------------

    def up(self) -> PostgresProxy:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(128)
        listener.settimeout(0.1)
        self.port = listener.getsockname()[1]
        self._listener, self._stop = listener, threading.Event()
        self._accepting = threading.Thread(target=self._accept, args=(listener, self._stop), daemon=True)
        self._accepting.start()
        return self

    def down(self) -> None:
        self._stop.set()
        if self._accepting is not None:
            self._accepting.join(timeout=5)
        if self._listener is not None:
            self._listener.close()
            self._listener = None
        with self._lock:
            doomed, self._sockets = self._sockets, set()
        for s in doomed:
            _kill(s)

    def open_connections(self) -> int:
        with self._lock:
            return len(self._sockets) // 2

    # -- forwarding ------------------------------------------------------------------------------------------------

    def _accept(self, listener: socket.socket, stop: threading.Event) -> None:
        while not stop.is_set():
            try:
                client, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            client.settimeout(None)
            try:
                server = socket.create_connection(self.upstream, timeout=5)
                server.settimeout(None)
            except OSError:
                _kill(client)
                continue
            with self._lock:
                if stop.is_set():
                    _kill(client)
                    _kill(server)
                    return
                self._sockets |= {client, server}
                self.accepted += 1
            for a, b in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    def _pump(self, src: socket.socket, dst: socket.socket) -> None:
        try:
            while data := src.recv(65536):
                dst.sendall(data)
        except OSError:
            pass  # either side gone: the finally below closes both
        finally:
            with self._lock:
                self._sockets.discard(src)
                self._sockets.discard(dst)
            _kill(src)
            _kill(dst)


def _kill(s: socket.socket) -> None:
    with contextlib.suppress(OSError):
        s.shutdown(socket.SHUT_RDWR)
    s.close()
