"""`python -m app.serve`: the API for production — several uvicorn workers, JSON logs, graceful shutdown.

Behind a load balancer run as many of these as needed on several machines; they share PostgreSQL and Redis and
keep nothing of their own between requests.
"""

from __future__ import annotations

import argparse
import os

import uvicorn


def main() -> None:
    parser = argparse.ArgumentParser(description="沿沪宁协同创新集市 API (production)")
    # A server behind a load balancer listens on every interface.
    parser.add_argument("--host", default="0.0.0.0")  # nosec B104
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--graceful-timeout", type=int, default=30, help="seconds in-flight requests get on SIGTERM")
    args = parser.parse_args()
    uvicorn.run(
        "app.main:app",
        host=args.host,
        port=args.port,
        workers=args.workers,
        timeout_graceful_shutdown=args.graceful_timeout,
        proxy_headers=True,
        server_header=False,
        log_config=None,
        access_log=False,
    )


if __name__ == "__main__":
    main()
