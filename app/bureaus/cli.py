"""A small command-line client for bureaus: `python -m app.bureaus push FILE --kind resource`.

Reads JSON (a list of records, or {"records": [...], "remove": [...]}) or a filled .xlsx template, sends it in
batches of at most 1,000 records, retries each batch with the same Idempotency-Key (so a retry never writes
twice), and prints every batch's report. Exit status: 0 all written, 1 some records had errors, 2 a batch failed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from app.bureaus.kinds import KINDS, PushKind
from app.bureaus.models import PushScope

RETRY_STATUSES = {409, 429, 500, 502, 503, 504}


def _load(path: Path, kind: PushKind) -> tuple[list[dict[str, Any]], list[str], str | None]:
    data = path.read_bytes()
    if path.suffix.lower() == ".xlsx":
        from app.bureaus.xlsx import workbook_records

        return workbook_records(KINDS[kind], data, limit=None), [], None
    doc = json.loads(data)
    if isinstance(doc, list):
        return doc, [], None
    return list(doc.get("records", [])), list(doc.get("remove", [])), doc.get("coord_system")


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return value


def _batches(records: list[dict[str, Any]], remove: list[str], size: int) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for i in range(0, len(records), size):
        out.append({"records": [{k: _jsonable(v) for k, v in r.items()} for r in records[i : i + size]]})
    for i in range(0, len(remove), size):
        out.append({"remove": remove[i : i + size]})
    return out


def send_batch(
    client: httpx.Client,
    url: str,
    key: str,
    idem: str,
    body: dict[str, Any],
    *,
    retries: int = 5,
    sleep: Callable[[float], None] = time.sleep,
) -> httpx.Response:
    """POSTs one batch; on a network error, 409 (still running), 429 or 5xx waits and retries with the same key."""
    headers = {"Authorization": f"Bearer {key}", "Idempotency-Key": idem}
    delay = 1.0
    for attempt in range(retries + 1):
        try:
            r = client.post(url, json=body, headers=headers)
        except httpx.TransportError:
            if attempt == retries:
                raise
        else:
            if r.status_code not in RETRY_STATUSES or attempt == retries:
                return r
        sleep(delay)
        delay = min(delay * 2, 30)
    raise AssertionError("unreachable")


def _print_report(n: int, offset: int, r: httpx.Response, out: Any) -> bool:
    """Prints one batch's outcome; True when every record went through."""
    body = r.json()
    report = body.get("detail") if r.status_code == 422 and body.get("code") == "push_rejected" else body
    if r.status_code not in (200, 422) or not isinstance(report, dict) or "counts" not in report:
        print(f"第 {n} 批失败：HTTP {r.status_code} {body.get('code', '')} {body.get('message', '')}", file=out)
        return False
    counts = report["counts"]
    shown = "，".join(f"{k} {v}" for k, v in counts.items() if v)
    replay = "（重放第一次的结果）" if r.headers.get("Idempotent-Replayed") == "true" else ""
    print(f"第 {n} 批 #{report['batch_id']} {report['status']}：{shown}{replay}", file=out)
    ok = True
    for item in report.get("results", []):
        for e in item.get("errors", []):
            ok = False
            print(f"  第 {offset + item['index']} 条 [{item.get('source_id')}] {e['field']}：{e['message']}", file=out)
        for w in item.get("warnings", []):
            print(f"  第 {offset + item['index']} 条 [{item.get('source_id')}] 提示：{w['message']}", file=out)
    return ok and r.status_code == 200


def push_file(
    path: Path,
    kind: PushKind,
    *,
    base_url: str,
    key: str,
    run_id: str | None = None,
    batch_size: int = 1000,
    atomic: bool = True,
    coord_system: str | None = None,
    client: httpx.Client | None = None,
    out: Any = sys.stdout,
) -> int:
    records, remove, file_coords = _load(path, kind)
    run_id = run_id or uuid.uuid4().hex[:16]
    print(f"运行编号 {run_id}（中断后用 --run-id {run_id} 重新运行，已完成的批次不会重复写入）", file=out)
    url = f"{base_url.rstrip('/')}/api/v1/push/{kind.value}"
    owns = client is None
    client = client or httpx.Client(timeout=120)
    status = 0
    try:
        offset = 0
        for n, body in enumerate(_batches(records, remove, batch_size), start=1):
            body["atomic"] = atomic
            if coord_system or file_coords:
                body["coord_system"] = coord_system or file_coords
            try:
                r = send_batch(client, url, key, f"{run_id}-{n:05d}", body)
            except httpx.TransportError as exc:
                print(f"第 {n} 批无法送达：{exc}", file=out)
                return 2
            ok = _print_report(n, offset, r, out)
            if not ok:
                status = max(status, 1 if r.status_code in (200, 422) else 2)
            offset += len(body.get("records", []))
    finally:
        if owns:
            client.close()
    return status


def issue_key_command(city: str, name: str, scopes: list[str], days: int, trusted: bool) -> int:
    """Creates (or finds) a bureau and prints a new key: for a laptop or the first setup, without the console."""
    from sqlmodel import Session, select

    from app.all_models import metadata  # noqa: F401  (every table known before the first query)
    from app.bureaus import service
    from app.bureaus.models import Bureau
    from app.core.db import get_engine
    from app.staff.models import StaffRole, StaffUser

    operator = StaffUser(username="cli", password_hash="!", role=StaffRole.district_admin)
    with Session(get_engine().execution_options(sqlite_write=True), expire_on_commit=False) as session:
        bureau = session.exec(select(Bureau).where(Bureau.city_code == city, Bureau.name == name)).first()
        if bureau is None:
            bureau = service.create_bureau(session, operator, name=name, city_code=city, trusted=trusted)
        plain, row = service.issue_key(
            session, operator, bureau, scopes=[PushScope(s.strip()) for s in scopes], expires_in_days=days
        )
        session.commit()
    print(plain)
    print(
        f"（{bureau.name}，{city}，范围 {','.join(row.scopes)}，{row.expires_at:%Y-%m-%d} 到期；密钥只显示这一次）",
        file=sys.stderr,
    )
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m app.bureaus", description="城市数据推送客户端")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("push", help="推送一个 JSON 或 xlsx 文件")
    p.add_argument("file", type=Path)
    p.add_argument("--kind", required=True, choices=[k.value for k in PushKind])
    p.add_argument("--url", default=os.environ.get("PUSH_URL", "http://127.0.0.1:8000"))
    p.add_argument("--key", default=os.environ.get("PUSH_API_KEY"), help="API 密钥（或环境变量 PUSH_API_KEY）")
    p.add_argument("--run-id", default=None, help="重新运行中断的推送时填写上次的运行编号")
    p.add_argument("--batch-size", type=int, default=1000)
    p.add_argument("--no-atomic", action="store_true", help="只写入无误的记录（默认整批成败）")
    p.add_argument("--coord-system", choices=["wgs84", "gcj02", "bd09"], default=None)
    k = sub.add_parser("issue-key", help="（本机运维）为某市推送单位签发密钥，写入 DATABASE_URL 指向的数据库")
    k.add_argument("--city", required=True)
    k.add_argument("--name", required=True, help="推送单位名称；不存在则新建")
    k.add_argument("--scopes", default=",".join(s.value for s in PushScope), help="逗号分隔，缺省为全部")
    k.add_argument("--days", type=int, default=365)
    k.add_argument("--trusted", action="store_true", help="免核验（新建单位时）")
    args = parser.parse_args(argv)
    if args.command == "issue-key":
        return issue_key_command(args.city, args.name, args.scopes.split(","), args.days, args.trusted)
    if not args.key:
        parser.error("缺少 API 密钥：--key 或环境变量 PUSH_API_KEY")
    if not 1 <= args.batch_size <= 1000:
        parser.error("--batch-size 须在 1 至 1000 之间")
    return push_file(
        args.file,
        PushKind(args.kind),
        base_url=args.url,
        key=args.key,
        run_id=args.run_id,
        batch_size=args.batch_size,
        atomic=not args.no_atomic,
        coord_system=args.coord_system,
    )
