"""The format of bureau API keys: `yhn_<prefix>_<secret><checksum>`.

- prefix: 8 characters [a-z0-9], shown in the console and stored in clear to find the key;
- secret: 32 characters [A-Za-z0-9] from `secrets`;
- checksum: 6 base62 characters of the CRC32 of everything before it, so that a mistyped or truncated key is
  refused before any database lookup.

The database holds only HMAC-SHA256(SECRET_KEY, whole key): a stolen table cannot be replayed without the setting.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import string
import zlib

KEY_PREFIX = "yhn_"
_ALPHABET = string.digits + string.ascii_letters
_LOWER = string.digits + string.ascii_lowercase
_PATTERN = re.compile(r"^yhn_([a-z0-9]{8})_([A-Za-z0-9]{32})([A-Za-z0-9]{6})$")


def _base62(n: int, width: int) -> str:
    out = []
    for _ in range(width):
        n, r = divmod(n, 62)
        out.append(_ALPHABET[r])
    return "".join(reversed(out))


def checksum(body: str) -> str:
    return _base62(zlib.crc32(body.encode()), 6)


def new_key() -> tuple[str, str]:
    """A fresh key and its prefix."""
    prefix = "".join(secrets.choice(_LOWER) for _ in range(8))
    secret = "".join(secrets.choice(_ALPHABET) for _ in range(32))
    body = f"{KEY_PREFIX}{prefix}_{secret}"
    return body + checksum(body), prefix


def parse_key(key: str) -> str | None:
    """The prefix of a well-formed key whose checksum matches, else None (no database involved)."""
    m = _PATTERN.match(key)
    if m is None:
        return None
    body = key[:-6]
    if not hmac.compare_digest(checksum(body), m.group(3)):
        return None
    return m.group(1)


def key_hash(key: str, secret_key: str) -> str:
    return hmac.new(secret_key.encode(), key.encode(), hashlib.sha256).hexdigest()
