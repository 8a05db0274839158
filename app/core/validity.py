from __future__ import annotations

from datetime import date
from enum import StrEnum


class Validity(StrEnum):
    valid = "valid"  # 有效
    expired = "expired"  # 失效


def validity(valid_to: date | None, today: date) -> Validity:
    return Validity.valid if valid_to is None or valid_to >= today else Validity.expired
