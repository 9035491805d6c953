"""The unified social credit code (统一社会信用代码) of GB 32100-2015.

18 characters from a 31-character alphabet (no I, O, S, V, Z): registration authority,
entity type, the 6-digit administrative division of registration, the 9-character
organisation code, and a check character computed over the first 17 with fixed weights.
"""

from __future__ import annotations

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
VALUES = {ch: i for i, ch in enumerate(ALPHABET)}


class InvalidCreditCode(ValueError):
    pass


def check_character(first17: str) -> str:
    total = sum(VALUES[ch] * weight for ch, weight in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def normalise(code: str) -> str:
    """Upper-case, without spaces and with full-width characters folded to ASCII."""
    folded = "".join(chr(ord(ch) - 0xFEE0) if "\uff01" <= ch <= "\uff5e" else ch for ch in code)
    return "".join(folded.split()).upper()


def validate(code: str) -> str:
    """Return CODE normalised, or raise InvalidCreditCode saying what is wrong."""
    code = normalise(code)
    if len(code) != 18:
        raise InvalidCreditCode("length")
    bad = [ch for ch in code if ch not in VALUES]
    if bad:
        raise InvalidCreditCode("characters")
    if not code[2:8].isdigit():
        raise InvalidCreditCode("division")
    if check_character(code[:17]) != code[17]:
        raise InvalidCreditCode("check")
    return code


def is_valid(code: str) -> bool:
    try:
        validate(code)
    except InvalidCreditCode:
        return False
    return True


def make(division: str, serial: int, authority: str = "9", kind: str = "1") -> str:
    """A well-formed code for DIVISION (6 digits) and a serial number, for demo data."""
    body = f"{authority}{kind}{division[:6]}"
    organisation = ""
    n = serial
    for _ in range(9):
        organisation = ALPHABET[n % 31] + organisation
        n //= 31
    first17 = body + organisation
    return first17 + check_character(first17)
