"""One worker of the server under test: `python -m bench.worker --port P`, uvicorn (uvloop, httptools) on its own
listening socket, bound with SO_REUSEPORT beside the other workers' sockets on the same port.

Why not `uvicorn --workers N`: its workers share one listening socket, and the load generator's 64 connections,
opened at once, go to whichever worker calls accept() first. Runs of the same figure gave one worker 58 of the 64
connections and the other 7 (details: 664 req/s) or 43 and 22 (1,152 req/s): the figure measured the accept race,
not the server. With one socket per worker the kernel spreads connections over the sockets by their addresses, as
a load balancer in front of several processes would.
"""

from __future__ import annotations

import argparse
import socket

import uvicorn


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind(("127.0.0.1", args.port))
    config = uvicorn.Config(
        "app.main:app",
        loop="uvloop",
        http="httptools",
        access_log=False,
        log_level="warning",
        timeout_graceful_shutdown=5,
    )
    uvicorn.Server(config).run(sockets=[sock])


if __name__ == "__main__":
    main()
