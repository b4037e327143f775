from __future__ import annotations

import pytest

from geodata.codes import id_check_char, is_valid_id_number, is_valid_uscc, uscc_check_char


def test_id_check_digit_of_the_standard_example() -> None:
    # GB 11643-1999 appendix example
    assert id_check_char("11010519491231002") == "X"
    assert is_valid_id_number("11010519491231002X")


def test_id_number_with_a_wrong_check_digit_is_invalid() -> None:
    assert not is_valid_id_number("110105194912310021")
    assert not is_valid_id_number("11010519491231002")


def test_uscc_check_character_of_a_published_code() -> None:
    # a published code (a well-known listed company)
    assert is_valid_uscc("91350100M000100Y43")
    assert uscc_check_char("91350100M000100Y4") == "3"


def test_uscc_rejects_letters_outside_the_alphabet_and_wrong_checks() -> None:
    assert not is_valid_uscc("91350100M000100Y44")
    assert not is_valid_uscc("91350100I000100Y43")
    with pytest.raises(ValueError):
        uscc_check_char("short")
