"""统一社会信用代码 (GB 32100-2015) and the 组织机构代码 inside it (GB 11714-1997): check characters and builders."""

from __future__ import annotations

USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # 31 characters: no I, O, S, V, Z
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def org_code_check(body8: str) -> str:
    """The 9th character of a 组织机构代码 (GB 11714) for its first eight digits/letters."""
    total = sum(int(ch, 36) * w for ch, w in zip(body8, _ORG_WEIGHTS, strict=True))
    c = 11 - total % 11
    return "X" if c == 10 else "0" if c == 11 else str(c)


def uscc_check(body17: str) -> str:
    """The 18th (check) character of a 统一社会信用代码 for its first seventeen characters."""
    total = sum(USCC_CHARS.index(ch) * w for ch, w in zip(body17, _USCC_WEIGHTS, strict=True))
    return USCC_CHARS[(31 - total % 31) % 31]


def is_valid_uscc(code: str) -> bool:
    return len(code) == 18 and all(ch in USCC_CHARS for ch in code) and uscc_check(code[:17]) == code[17]


def make_uscc(registrar: str, division: str, serial: int) -> str:
    """A well-formed code: registrar ("12" 事业单位, "91" 企业, "52" 社会组织), 6-digit division, serial → org code."""
    body8 = f"{serial:08d}"[-8:]
    body17 = registrar + division + body8 + org_code_check(body8)
    return body17 + uscc_check(body17)
