"""Opaque bearer tokens: random, shown once to their holder, stored only as a SHA-256 digest."""

from __future__ import annotations

import hashlib
import secrets

from fastapi import Request


def new_token(prefix: str) -> str:
    return f"{prefix}_{secrets.token_urlsafe(32)}"


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def bearer_token(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        return None
    return value.strip()


def client_ip(request: Request) -> str:
    return request.client.host if request.client else ""
