"""Pieces shared by the request and response models of every domain."""

from __future__ import annotations

import re
from datetime import datetime
from enum import StrEnum
from typing import Annotated

from fastapi import Path
from pydantic import AfterValidator, BaseModel, ConfigDict


class CityCode(StrEnum):
    putuo = "putuo"
    nanjing = "nanjing"
    wuxi = "wuxi"
    changzhou = "changzhou"
    suzhou = "suzhou"
    nantong = "nantong"
    zhenjiang = "zhenjiang"
    taizhou = "taizhou"


class RequestModel(BaseModel):
    """Base of every request body and query model: unknown fields are refused (no mass assignment)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class PublicModel(BaseModel):
    model_config = ConfigDict(from_attributes=True)


_PHONE = re.compile(r"^(\+?86)?(1\d{2})(\d{4})(\d{4})$")


def mask_phone(value: str | None) -> str:
    """138****5678 for a mobile number; a landline keeps its area code and last four digits."""
    if not value:
        return ""
    digits = re.sub(r"[\s-]", "", value)
    m = _PHONE.match(digits)
    if m:
        return f"{m.group(2)}****{m.group(4)}"
    if len(digits) > 8 and digits.startswith("0"):
        # Area codes are three digits for 010 and 02x (Shanghai 021, Nanjing 025), four elsewhere (0512 Suzhou).
        head = digits[:3] if digits[1] in "12" else digits[:4]
        return f"{head}****{digits[-4:]}"
    if len(digits) > 4:
        return f"****{digits[-4:]}"
    return "****"


MaskedPhone = Annotated[str, AfterValidator(mask_phone)]


class RecordPublic(PublicModel):
    """Fields every public board record shows."""

    id: int
    city_code: str
    source: str
    industry_code: str | None
    industries: list[str]
    view_count: int
    published_at: datetime | None
    updated_at: datetime


# Path ids: a non-number is a 422; a number beyond a 32-bit key can never exist and must not reach the database.
ItemId = Annotated[int, Path(ge=1, le=2_147_483_647, description="记录 ID")]
