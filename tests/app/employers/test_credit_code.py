import pytest

from app.employers import credit_code

# Codes printed on real business licences (public registrations).
REAL_CODES = ["91350100M000100Y43", "91110000600037341L", "9144030071526726XG"]


@pytest.mark.parametrize("code", REAL_CODES)
def test_real_codes_are_valid(code):
    assert credit_code.validate(code) == code


@pytest.mark.parametrize("code", REAL_CODES)
def test_any_single_character_change_is_caught(code):
    for position in range(18):
        for replacement in "0A9Y":
            if code[position] == replacement:
                continue
            corrupted = code[:position] + replacement + code[position + 1 :]
            assert not credit_code.is_valid(corrupted), corrupted


def test_adjacent_transpositions_are_caught():
    code = REAL_CODES[0]
    for i in range(17):
        if code[i] != code[i + 1]:
            swapped = code[:i] + code[i + 1] + code[i] + code[i + 2 :]
            assert not credit_code.is_valid(swapped), swapped


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        ("91350100M000100Y4", "length"),
        ("91350100M000100Y433", "length"),
        ("91350100I000100Y43", "characters"),
        ("913501O0M000100Y43", "characters"),
        ("91ABCDEFM000100Y43", "division"),
        ("91350100M000100Y44", "check"),
    ],
)
def test_errors_say_what_is_wrong(code, reason):
    with pytest.raises(credit_code.InvalidCreditCode, match=reason):
        credit_code.validate(code)


def test_normalises_case_spaces_and_full_width():
    assert credit_code.validate(" 91350100m000100y43 ") == "91350100M000100Y43"
    assert credit_code.validate("９１350100M000100Y43") == "91350100M000100Y43"


def test_generated_codes_are_valid_and_distinct():
    codes = {credit_code.make("420102", n) for n in range(2000)}
    assert len(codes) == 2000
    assert all(credit_code.is_valid(c) and c[2:8] == "420102" for c in codes)
