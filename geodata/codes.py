"""National code rules: GB 11643 resident ID numbers and GB 32100 unified social credit codes."""

from __future__ import annotations

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"

USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # 31 characters: no I, O, S, V, Z
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def id_check_char(first17: str) -> str:
    if len(first17) != 17 or not first17.isdigit():
        raise ValueError("an ID number body is 17 digits")
    return ID_CHECK[sum(int(c) * w for c, w in zip(first17, ID_WEIGHTS, strict=True)) % 11]


def is_valid_id_number(value: str) -> bool:
    return len(value) == 18 and value[:17].isdigit() and id_check_char(value[:17]) == value[17].upper()


def uscc_check_char(first17: str) -> str:
    if len(first17) != 17 or any(c not in USCC_CHARS for c in first17):
        raise ValueError("a USCC body is 17 characters from the GB 32100 alphabet")
    total = sum(USCC_CHARS.index(c) * w for c, w in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_CHARS[(31 - total % 31) % 31]


def is_valid_uscc(value: str) -> bool:
    value = value.upper()
    return (
        len(value) == 18
        and all(c in USCC_CHARS for c in value)
        and uscc_check_char(value[:17]) == value[17]
    )
