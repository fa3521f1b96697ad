"""Building, unit, floor, room and house numbers: what finds a home once the street is known.

The compound's, road's, village's or tower's name stays; only the numbers after it are masked.
Patterns read normalised text (moderation.normalise), in which numbers of two or more Chinese
digits are ASCII already; a single Chinese numeral (三号楼, 两单元) and tens (十二组) are read here.
Each pattern's group "detail" is what is masked.
"""

import re
from string import ascii_letters, digits

from moderation.normalise import CHINESE_DIGITS, starting_with

_SPOKEN = "".join(CHINESE_DIGITS)
_NUMERALS = "十拾" + _SPOKEN
_ALPHANUMERIC = digits + ascii_letters
_NUMBER = rf"(?:\d{{1,4}}|[{_NUMERALS}]{{1,3}})"
# A numeral with a ten before 栋 is a building's number (十二栋); a lone one counts them (两栋楼).
_TENS = f"[{_NUMERALS}]?[十拾][{_NUMERALS}]?"
_BUILDING = (
    rf"(?:{_NUMBER}\s*号\s*(?:楼|塔楼?)"
    rf"|(?<![A-Za-z])(?:\d{{1,4}}|[A-Za-z]\d{{0,3}}|{_TENS})\s*(?:[栋幢座]|塔楼?))"
)
_UNIT = rf"{_NUMBER}\s*单元"
# An entrance, as Beijing numbers a building's stairways: 7号楼2门301.
_ENTRANCE = r"\d{1,2}\s*门(?!口)"
_FLOOR = r"\d{1,2}\s*(?:[层楼](?!下|上|道|梯)|F(?![A-Za-z]))"
_ROOM = rf"(?:\d{{2,5}}|[{_SPOKEN}]{{2,5}})\s*(?:室|号房|房间|房)"
_ROOM_BARE = rf"(?:\d{{3,4}}(?![\d.])|[{_SPOKEN}]{{3,4}}(?![{_SPOKEN}]))"
_DASHES = "_–—-"
_DASH = rf"\s*[{_DASHES}]\s*"
# Not one group of a longer run of numbers with dashes (a phone or identity number so written).
_NOT_IN_A_LONGER_RUN = (
    rf"(?<![\d.:/{_DASHES}])(?<![{_DASHES}]\s)",
    rf"(?![\d.:/]|{_DASH}\d)",
)
# Not a quantity, a time or a date: what may follow a house or room number.
_NOT_A_QUANTITY = r"(?![\d.:/-]|\s*(?:[片粒盒支瓶袋元块天次点号]|mg|ml|g)(?![A-Za-z]))"

_COMPOUNDS = ("小区", "花园", "家园", "公寓", "大厦", "广场", *"苑园府庭湾城区")
ADDRESS_PATTERNS = (
    # 3-2-501, 5栋-1-1203: building, unit and room with dashes.
    starting_with(
        _ALPHANUMERIC,
        rf"{_NOT_IN_A_LONGER_RUN[0]}(?P<detail>(?:\d{{1,3}}|[A-Za-z])\s*(?:栋|幢|号楼|座)?"
        rf"{_DASH}\d{{1,2}}{_DASH}\d{{3,4}}){_NOT_IN_A_LONGER_RUN[1]}{_NOT_A_QUANTITY}",
    ),
    # 阳光小区5-1203: building and room after a compound's name.
    starting_with(
        "".join(word[0] for word in _COMPOUNDS),
        rf"(?:{'|'.join(_COMPOUNDS)})\s*(?P<detail>\d{{1,3}}{_DASH}\d{{3,4}})"
        rf"{_NOT_IN_A_LONGER_RUN[1]}{_NOT_A_QUANTITY}",
    ),
    # 3号楼2单元501, B座1203, 12幢, 501室.
    starting_with(
        _ALPHANUMERIC + _NUMERALS,
        rf"(?<![\d.])(?P<detail>(?:{_BUILDING}|{_UNIT}|{_ROOM})"
        rf"(?:[\s-]*(?:{_BUILDING}|{_UNIT}|{_ENTRANCE}|{_FLOOR}|{_ROOM}|{_ROOM_BARE}))*)",
    ),
    # 北塔1809, 东塔18楼1806, 西座2201, T2-1809: a floor and room in a tower or wing.
    starting_with(
        "座塔翼T",
        rf"(?:[座塔翼]|(?<![A-Za-z])T\d{{1,2}})"
        rf"(?P<detail>[\s-]*(?:{_FLOOR}[\s-]*)?(?:{_ROOM}|{_ROOM_BARE}))",
    ),
    # 王家村25号, 李庄村3组18号, 长乐路188弄12号302室, 胡同7号: a house in a village or lane.
    starting_with(
        "村屯庄寨弄巷胡",
        rf"(?:[村屯庄寨弄巷]|胡同)(?P<detail>\s*(?:{_NUMBER}\s*[组队]\s*)?{_NUMBER}\s*号"
        rf"(?!楼|线|店|柜)(?:[\s-]*(?:{_FLOOR}|{_ROOM}|{_ROOM_BARE}))*)",
    ),
    # 门牌号 12, 门牌 5号: a house's number, after its name.
    starting_with("门", rf"门牌(?:号码?)?[\s:：是为]*(?P<detail>{_NUMBER}(?:\s*号)?)"),
)
ADDRESS_NUMERAL = re.compile(rf"[0-9A-Za-z{_NUMERALS}]")


def mask_address(match: re.Match) -> str:
    """The detail of an address match with its numbers and letters as stars."""
    return ADDRESS_NUMERAL.sub("*", match["detail"])
