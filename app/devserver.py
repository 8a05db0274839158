"""`python -m app.devserver`: the API on uvicorn for a laptop (`make run`)."""

from __future__ import annotations

import argparse

import uvicorn


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args()
    print(f"沿沪宁协同创新集市 API: http://{args.host}:{args.port}/docs")
    uvicorn.run("app.main:app", host=args.host, port=args.port, timeout_graceful_shutdown=10)


if __name__ == "__main__":
    main()
