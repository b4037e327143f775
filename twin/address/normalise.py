"""One normalisation for both the standard-address library and incoming queries.

Matching compares strings, so every variant a clerk or a resident may type has to collapse onto one
spelling *before* comparison: full-width forms, traditional characters, label prefixes, separators,
Chinese numerals in numeric slots and the many ways of writing building/unit/room.

Canonical unit form: ``3幢2单元501室`` (building 幢, unit 单元, room 室), the form used by the
GA/T 2000.32 levels 楼栋/单元/户室 and by Xinchang's own address plates.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import opencc
from pypinyin import Style, lazy_pinyin

# Labels that forms and spreadsheets put in front of the address itself.
_LABEL = re.compile(
    r"^(?:详细地址|联系地址|通讯地址|通信地址|家庭地址|居住地址|户籍地址|现住址|现居住地|住址|地址|所在地|位置)"
    r"(?:[:：]|是|为)?"
)
# Characters that only separate or decorate; their removal never merges two meaningful tokens,
# because Chinese addresses are written without spaces anyway.
_NOISE = re.compile(r"[\s,，、;；。.·•・:：'\"“”‘’()（）\[\]【】{}「」『』《》<>]+")
_DASHES = re.compile(r"[‐‑‒–—―─~～_]")

# Chinese numerals become digits only right before a slot word, so names such as 三溪村, 七星街道
# or 五一路 keep their characters (a name is never followed by 号/幢/单元...).
_CN_DIGITS = {ch: i for i, ch in enumerate("零一二三四五六七八九")} | {"〇": 0, "两": 2}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}
_SLOT_WORDS = "号楼|号|幢|栋|楼|座|单元|室|层|组|弄|排|户|房"
_CN_NUMBER_IN_SLOT = re.compile(rf"第?([零〇一二两三四五六七八九十百千]+)(?={_SLOT_WORDS})")
_ORDINAL_DIGITS = re.compile(rf"第(\d+)(?={_SLOT_WORDS})")

# Unit formats, rewritten in this order onto 3幢2单元501室.
_DASHED_UNIT = re.compile(r"(?<![\d-])(\d+[a-z]?)-(\d+)-(\d+)室?(?![\d号-])")
_BUILDING_DASH = re.compile(r"(\d+[a-z]?)幢(\d+)-(\d+)室?(?![\d号-])")
_BUILDING_WORD = re.compile(r"([a-z]|\d+[a-z]?)(?:号楼|号幢|栋|座|#楼?)")
_FLOOR_AS_BUILDING = re.compile(r"(\d+[a-z]?)楼(?=\d+单元)")  # 3楼2单元: 楼 names the building here
_ROOM_WORD = re.compile(r"(\d+)(?:房|户)(?!\d)")
_BARE_ROOM = re.compile(r"单元(\d+)(?![\d室层号])")


def cn_to_int(numeral: str) -> int:
    """Value of a Chinese numeral such as 三, 十二, 二十, 一百零五 or the digit-by-digit 五零一."""
    if not any(ch in _CN_UNITS for ch in numeral):
        # digit-by-digit spelling, common for rooms: 五零一 → 501
        return int("".join(str(_CN_DIGITS[ch]) for ch in numeral))
    total, digit = 0, 0
    for ch in numeral:
        if ch in _CN_DIGITS:
            digit = _CN_DIGITS[ch]
        else:
            # a bare 十 at the start means 1×10
            total += (digit or 1) * _CN_UNITS[ch]
            digit = 0
    return total + digit


@lru_cache(maxsize=1)
def _t2s() -> opencc.OpenCC:
    # building the converter loads its dictionaries, so do it once and not at import time
    return opencc.OpenCC("t2s")


def _canonical_units(text: str) -> str:
    text = _ORDINAL_DIGITS.sub(r"\1", text)
    text = _BUILDING_WORD.sub(r"\1幢", text)
    text = _FLOOR_AS_BUILDING.sub(r"\1幢", text)
    text = _DASHED_UNIT.sub(r"\1幢\2单元\3室", text)
    text = _BUILDING_DASH.sub(r"\1幢\2单元\3室", text)
    text = _ROOM_WORD.sub(r"\1室", text)
    return _BARE_ROOM.sub(r"单元\1室", text)


def normalise(text: str) -> str:
    """The canonical spelling of an address or a fragment of one; idempotent."""
    text = unicodedata.normalize("NFKC", text or "")
    text = _t2s().convert(text).lower()
    text = _DASHES.sub("-", text)
    text = _LABEL.sub("", text.strip())
    text = _NOISE.sub("", text)
    text = _LABEL.sub("", text)  # a label that was preceded by spaces or quotes
    text = _CN_NUMBER_IN_SLOT.sub(lambda m: str(cn_to_int(m.group(1))), text)
    return _canonical_units(text).strip("-")


def pinyin_key(text: str) -> str:
    """Toneless pinyin of the normalised text, so that homophones (羽林/雨林) compare equal."""
    return "".join(lazy_pinyin(normalise(text), style=Style.NORMAL, errors="default"))
