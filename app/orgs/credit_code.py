"""统一社会信用代码 (GB 32100-2015): 18 characters, the last one a check character over the first 17."""

from __future__ import annotations

import re

# The code's alphabet: digits and capital letters without I, O, Z, S, V.
ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
# Position 1: registration authority (1 机构编制, 5 民政, 9 工商, Y 其他 …); position 2: the organisation's kind;
# positions 3–8: the administrative division (digits).
_SHAPE = re.compile(r"^[1-9A-HNY][1-9A-Z]\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")


def check_character(first17: str) -> str:
    total = sum(ALPHABET.index(ch) * w for ch, w in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def is_valid(code: str) -> bool:
    if len(code) != 18 or not _SHAPE.match(code):
        return False
    if any(ch not in ALPHABET for ch in code):
        return False
    return check_character(code[:17]) == code[17]


def normalise(code: str) -> str:
    return code.strip().upper()
