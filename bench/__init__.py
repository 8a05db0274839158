"""`make bench` (`python -m bench`): throughput and latency of the API over loopback, next to the server's floor.

How it runs: a database of BENCH_ROWS synthetic records (made once, reused), uvicorn with 2 workers (uvloop,
httptools) on 127.0.0.1, and a load generator in its own process (`bench/load.py`, asyncio raw sockets with
keep-alive). Every benchmark is bounded in time. The floor is a constant JSON answer of the same server
(`/api/v1/_floor`, only with BENCH_FLOOR=1), measured in the same run.

Adding a benchmark (push, search, …): write a module in this package with a function decorated by
`@benchmark("name", order=…)` from `bench.registry`; it gets a `Context` (base URL, database URL, engine, rows,
duration, the floor result, `ctx.load(paths)` to drive HTTP load) and returns a list of `Result` rows. List the module
in `bench/registry.py:MODULES`. Results go to bench/results/ (git-ignored) as JSON and Markdown.
"""
