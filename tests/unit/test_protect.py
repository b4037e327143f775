from __future__ import annotations

import os

import pytest
from cryptography.exceptions import InvalidTag

from geodata.protect import DataProtector, load_key, mask_id_number, mask_name, mask_phone


def test_encryption_round_trip_hides_the_plaintext() -> None:
    p = DataProtector(os.urandom(32))
    blob = p.encrypt("330624198001011234", context=b"resident.id_number")
    assert b"330624" not in blob
    assert p.decrypt(blob, context=b"resident.id_number") == "330624198001011234"


def test_ciphertext_is_bound_to_its_field() -> None:
    p = DataProtector(os.urandom(32))
    blob = p.encrypt("张三", context=b"resident.name")
    with pytest.raises(InvalidTag):
        p.decrypt(blob, context=b"resident.id_number")


def test_lookup_hash_is_deterministic_and_keyed() -> None:
    a, b = DataProtector(os.urandom(32)), DataProtector(os.urandom(32))
    assert a.lookup_hash("33062419800101123x") == a.lookup_hash("33062419800101123X")
    assert a.lookup_hash("330624198001011234") != b.lookup_hash("330624198001011234")


def test_masks() -> None:
    assert mask_name("张三丰") == "张**"
    assert mask_name("阿卜杜热合曼·买买提") == "阿***"  # fits the masked column, length not revealed
    assert mask_id_number("330624198001011234") == "330624********1234"
    assert mask_phone("13812345678") == "138****5678"


def test_demo_key_is_created_once_with_private_permissions(tmp_path) -> None:
    k1 = load_key(None, tmp_path, create=True)
    k2 = load_key(None, tmp_path, create=False)
    assert k1 == k2 and len(k1) == 32
    assert (tmp_path / "keys" / "personal-data.key").stat().st_mode & 0o077 == 0
