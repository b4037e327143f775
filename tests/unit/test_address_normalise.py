from __future__ import annotations

import pytest

from twin.address.normalise import cn_to_int, normalise, pinyin_key

CANONICAL_UNIT = "3幢2单元501室"


def test_full_width_digits_and_letters_become_half_width_lowercase() -> None:
    assert normalise("ＡＢ座１２３号") == "ab幢123号"


def test_latin_letters_are_lowercased() -> None:
    assert normalise("B幢") == "b幢"


def test_traditional_characters_become_simplified() -> None:
    assert normalise("新昌縣羽林街道") == "新昌县羽林街道"


@pytest.mark.parametrize("label", ["地址：", "地址:", "住址:", "详细地址", "联系地址：", "  现住址 ： "])
def test_label_prefixes_are_removed(label: str) -> None:
    assert normalise(f"{label}新昌县南明街道") == "新昌县南明街道"


def test_a_label_word_inside_the_address_is_kept() -> None:
    # only a leading label is noise; 地址 elsewhere is left alone
    assert normalise("新昌县地址办") == "新昌县地址办"


def test_spaces_commas_and_enumeration_commas_are_removed() -> None:
    assert normalise("浙江省 绍兴市，新昌县、七星街道") == "浙江省绍兴市新昌县七星街道"


def test_middle_dots_and_ideographic_spaces_are_removed() -> None:
    assert normalise("新昌县·儒岙镇\u3000天姥村") == "新昌县儒岙镇天姥村"


def test_brackets_are_removed_but_their_content_is_kept() -> None:
    assert normalise("鼓山中路18号（鼓山花园）【东门】") == "鼓山中路18号鼓山花园东门"


def test_chinese_numerals_become_digits_before_house_number() -> None:
    assert normalise("人民路十八号") == "人民路18号"


def test_chinese_numerals_become_digits_in_unit_slots() -> None:
    assert normalise("三幢二单元五零一室") == CANONICAL_UNIT


def test_ordinal_marker_before_a_slot_is_dropped() -> None:
    assert normalise("第三幢第2单元") == "3幢2单元"


@pytest.mark.parametrize("name", ["三溪村", "七星街道", "五一路", "儒一村", "百菊村", "六合村"])
def test_chinese_numerals_inside_names_are_kept(name: str) -> None:
    assert normalise(name) == name


def test_numerals_in_a_name_and_in_a_slot_of_the_same_address() -> None:
    assert normalise("七星街道五一路二十号") == "七星街道五一路20号"


@pytest.mark.parametrize(
    ("numeral", "value"),
    [
        ("三", 3),
        ("十", 10),
        ("十二", 12),
        ("二十", 20),
        ("二十五", 25),
        ("一百零五", 105),
        ("两百", 200),
        ("五零一", 501),
    ],
)
def test_chinese_numeral_values(numeral: str, value: int) -> None:
    assert cn_to_int(numeral) == value


@pytest.mark.parametrize(
    "written",
    [
        "3幢2单元501室",
        "3栋2单元501",
        "3栋2单元501室",
        "3-2-501",
        "3号楼2单元501室",
        "3#2单元501室",
        "3#楼2单元501室",
        "3幢2-501",
        "3楼2单元501",
        "3座2单元501室",
        "3幢2单元501房",
        "３－２－５０１",
        "3—2—501",
    ],
)
def test_every_unit_format_becomes_the_canonical_one(written: str) -> None:
    assert normalise(written) == CANONICAL_UNIT


def test_lettered_building_uses_the_canonical_form() -> None:
    assert normalise("A座2单元301") == "a幢2单元301室"


def test_house_number_with_a_sub_number_is_not_a_unit() -> None:
    assert normalise("鼓山中路18-1号") == "鼓山中路18-1号"


def test_floor_is_kept_when_not_followed_by_a_unit() -> None:
    assert normalise("3幢5楼") == "3幢5楼"


def test_unit_format_after_an_address() -> None:
    assert normalise("新昌县七星街道鼓山花园 3-2-501") == "新昌县七星街道鼓山花园3幢2单元501室"


def test_normalise_is_idempotent() -> None:
    once = normalise("地址： 浙江省紹興市新昌縣 羽林街道 三号楼二单元五零一")
    assert normalise(once) == once


@pytest.mark.parametrize("junk", ["", "   ", "，，、", "地址："])
def test_empty_or_noise_only_input_gives_an_empty_string(junk: str) -> None:
    assert normalise(junk) == ""


def test_pinyin_key_is_toneless_and_joined() -> None:
    assert pinyin_key("羽林街道") == "yulinjiedao"


def test_pinyin_key_equates_homophones() -> None:
    assert pinyin_key("雨林街道") == pinyin_key("羽林街道")


def test_pinyin_key_normalises_first() -> None:
    assert pinyin_key("羽林街道 三号") == pinyin_key("羽林街道3号")
