"""Property tests of the masker: generated personal data, written with random combinations of the
ways people dodge a filter inside random notes, never survives masking; generated doses, dates,
batch numbers and barcodes always do.

The notes' own words hold no digit in any spelling, so every digit a reader can find in the
masked note (tests/moderation/oracle.py) came from the secret: counting them says how much of it
is left. A fixed profile keeps `make test` quick and the same on every run; for a longer search,
HYPOTHESIS_PROFILE=thorough .venv/bin/pytest tests/moderation/test_masking_properties.py
"""

import os
import re
from datetime import date

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from moderation.masking import mask_personal_data
from tests.moderation.oracle import ENGLISH_VALUES, alnum_stream, digit_stream, windows

settings.register_profile(
    "quick",
    derandomize=True,
    max_examples=100,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("thorough", max_examples=5000, deadline=None, database=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "quick"))

# Words of notes with no digit in any spelling (no 一, 两, 拐, 洞, 零...).
PHRASES = (
    "家里有多余的布洛芬",
    "需要的邻居请联系我",
    "晚上在家",
    "可以自取",
    "老人孩子优先",
    "谢谢大家",
    "还没开封",
    "放在小区门口",
    "有需要的话",
    "方便的时候",
    "急用的先说",
    "送给有需要的人",
)
PUNCTUATION = ("，", "。", "！", " ", "；", "\n")
ID_AREAS = ("110105", "310104", "440305", "510104", "330106", "420106", "610113", "320102")
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
LOWER = dict(zip("0123456789", "零一二三四五六七八九", strict=True))
CAPITAL = dict(zip("0123456789", "零壹贰叁肆伍陆柒捌玖", strict=True))
RADIO = {"0": "洞", "1": "幺", "2": "两", "7": "拐", "9": "勾"}
CIRCLED = dict(zip("0123456789", "⓪①②③④⑤⑥⑦⑧⑨", strict=True))
NEGATIVE_CIRCLED = dict(zip("0123456789", "⓿❶❷❸❹❺❻❼❽❾", strict=True))
ENGLISH = {digit: word for word, digit in ENGLISH_VALUES.items()}
SEPARATORS = (" ", "-", "_", ".", "\u200b", "\u3000", "—", "·", "/", "~", "*", "🌸", " - ", "|")
MOBILE_LABELS = ("", "电话", "手机：", "联系", "打", "号码 ", "编号", "批号：", "LOT ", "tel")
ID_LABELS = ("", "身份证", "身份证号：", "证件号 ", "编号", "批号：")
WECHAT_LEADS = (
    "微信", "微信号：", "薇信", "威信 ", "维信：", "徽信", "卫星号", "V信", "v芯 ", "VX：", "vx ",
    "wx:", "WeChat ID: ", "weixin ", "绿泡泡", "💬", "微❤", "+V ", "➕微：", "加v ", "十V ",
    "+微信 ", "微 信", "微-信：", "薇 信 号",
)  # fmt: skip
QQ_LEADS = (
    "QQ", "qq：", "Q Q ", "扣扣", "叩叩 ", "抠抠：", "蔻蔻号", "企鹅", "🐧 ", "QQ号码是",
    "q号 ", "QQ邮箱 ", "扣 扣：",
)  # fmt: skip
EMAIL_DOMAINS = ("163.com", "qq.com", "126.com", "gmail.com", "sina.com", "outlook.com")
AT_FORMS = ("@", "＠", "(at)", "[at]", " at ", "艾特", "#", " (at) ")
DOT_FORMS = (".", "。", "点", "(dot)", " dot ")
LOOK_ALIKES = {"0": "Oo", "1": "lI"}
LOOK_ALIKES_FROM = 5
PART_WORDS = ("，然后", " 再加 ", "，接着是", " 后面 ")
MOBILE_SHAPE = re.compile(r"1[3-9]\d{9}")
# How many of a secret's digits a mask may show: 138****8000, 1101**********0022, QQ none.
MAY_SHOW = {"mobile": 7, "id_number": 8, "qq": 0}


def _id_number(area: str, born: date, sequence: int) -> str:
    body = f"{area}{born:%Y%m%d}{sequence:03d}"
    total = sum(int(digit) * weight for digit, weight in zip(body, ID_WEIGHTS, strict=True))
    return body + "10X98765432"[total % 11]


mobiles = st.builds(
    lambda second, rest: f"1{second}{rest}",
    st.sampled_from("3456789"),
    st.text("0123456789", min_size=9, max_size=9),
)
id_numbers = st.builds(
    _id_number,
    st.sampled_from(ID_AREAS),
    st.dates(date(1930, 1, 1), date(2020, 12, 31)),
    st.integers(0, 999),
)
qq_numbers = st.builds(
    lambda first, rest: first + rest,
    st.sampled_from("123456789"),
    st.text("0123456789", min_size=4, max_size=10),
)
wechat_ids = st.from_regex(r"[a-z][a-z_]{5,10}[0-9]{0,4}", fullmatch=True)
email_users = st.from_regex(r"[a-z]{3,10}[0-9]{0,4}", fullmatch=True)


@st.composite
def notes_around(draw, secret: str) -> str:
    """A random note with secret somewhere in it."""
    before = draw(st.lists(st.sampled_from(PHRASES), max_size=2))
    after = draw(st.lists(st.sampled_from(PHRASES), max_size=2))
    cut = draw(st.sampled_from(PUNCTUATION))
    return cut.join([*before, secret, *after])


@st.composite
def digits_written(draw, digits: str) -> str:
    """Digits, each in a spelling drawn at random, in groups with separators between."""
    styles = draw(
        st.lists(
            st.sampled_from(
                ("ascii", "full", "lower", "capital", "radio", "circled", "negative", "keycap")
            ),
            min_size=1,
            max_size=3,
            unique=True,
        )
    )
    written = [_spell(digit, draw(st.sampled_from(styles))) for digit in digits]
    trick = draw(st.sampled_from(("none", "words", "look-alikes")))
    if trick == "words":
        # Two or more digits as English words.
        chosen = draw(st.sets(st.integers(0, len(digits) - 1), min_size=2, max_size=4))
        for index in chosen:
            written[index] = ENGLISH[digits[index]]
    elif trick == "look-alikes" and len(digits) >= LOOK_ALIKES_FROM:
        # O for 0 and l or I for 1, at most two of them, never first (tel + l39... is a word).
        zeros_and_ones = [index for index, digit in enumerate(digits) if digit in "01" and index]
        if zeros_and_ones:
            chosen = draw(st.lists(st.sampled_from(zeros_and_ones), max_size=2, unique=True))
            for index in chosen:
                written[index] = draw(st.sampled_from(LOOK_ALIKES[digits[index]]))
    groups, position = [], 0
    while position < len(written):
        size = draw(st.integers(1, 4))
        groups.append("".join(written[position : position + size]))
        position += size
    separator = draw(st.sampled_from(("", *SEPARATORS)))
    return separator.join(groups).strip()


def _spell(digit: str, style: str) -> str:
    if style == "full":
        return chr(ord(digit) + 0xFEE0)
    if style == "lower":
        return LOWER[digit]
    if style == "capital":
        return CAPITAL[digit]
    if style == "radio":
        return RADIO.get(digit, LOWER[digit])
    if style == "circled":
        return CIRCLED[digit]
    if style == "negative":
        return NEGATIVE_CIRCLED[digit]
    if style == "keycap":
        return digit + "\ufe0f\u20e3"
    return digit


@st.composite
def in_parts(draw, digits: str) -> str:
    """A number written in two or three parts of three digits or more, words between."""
    cuts = draw(st.sampled_from([(3, 7), (3,), (7,), (4, 8)] if len(digits) == 11 else [(6, 14)]))
    parts = [digits[start:end] for start, end in zip((0, *cuts), (*cuts, None), strict=True)]
    written = [draw(digits_written(part)) for part in parts]
    words = draw(st.sampled_from(PART_WORDS))
    return words.join(written)


def _after(word: str, written: str) -> str:
    """written after word, a space between if both are letters there: telone... is no word."""
    glued = word[-1:].isascii() and word[-1:].isalpha() and written[:1].isalpha()
    return f"{word} {written}" if glued else word + written


def _shown_digits(masked: str, *kept: str) -> int:
    for text in kept:
        masked = masked.replace(text, "", 1)
    return len(digit_stream(masked))


@given(st.data(), mobiles)
def test_a_generated_mobile_never_survives(data, mobile):
    written = data.draw(st.one_of(digits_written(mobile), in_parts(mobile)))
    prefix = data.draw(st.sampled_from(("", "+86 ", "0086-", "(+86)")))
    label = data.draw(st.sampled_from(MOBILE_LABELS))
    masked = mask_personal_data(data.draw(notes_around(_after(label + prefix, written))))
    # The country code is nobody's secret.
    assert _shown_digits(masked) <= MAY_SHOW["mobile"] + len(digit_stream(prefix)), masked


@given(st.data(), id_numbers)
def test_a_generated_identity_number_never_survives(data, id_number):
    written = data.draw(st.one_of(digits_written(id_number[:17]), in_parts(id_number[:17])))
    label = data.draw(st.sampled_from(ID_LABELS))
    masked = mask_personal_data(data.draw(notes_around(_after(label, written) + id_number[17])))
    assert _shown_digits(masked) <= MAY_SHOW["id_number"], masked


@given(st.data(), qq_numbers)
def test_a_generated_qq_number_never_survives(data, qq):
    written = data.draw(digits_written(qq))
    lead = data.draw(st.sampled_from(QQ_LEADS))
    place = data.draw(st.sampled_from(("before", "是我的", "（）")))
    if place == "before":
        note = _after(lead, written)
    else:
        lead = lead.strip(" :：")
        note = f"{written}是我的{lead}" if place == "是我的" else f"{written}（{lead}）"
    masked = mask_personal_data(data.draw(notes_around(note)))
    # A QQ number that is also a mobile's may be masked as one (13800138000 是我的QQ).
    may_show = MAY_SHOW["mobile" if MOBILE_SHAPE.fullmatch(qq) else "qq"]
    assert _shown_digits(masked) <= may_show, masked


@st.composite
def handles_written(draw, handle: str) -> str:
    """A handle as typed, spelled out letter by letter, or with its digits in Chinese."""
    style = draw(st.sampled_from(("plain", "spelled", "chinese", "full")))
    if style == "spelled":
        return draw(st.sampled_from((" ", "-", "."))).join(handle)
    if style == "chinese":
        table = draw(st.sampled_from((LOWER, CAPITAL)))
        return "".join(table.get(char, char) for char in handle)
    if style == "full":
        return "".join(chr(ord(char) + 0xFEE0) for char in handle)
    return handle


def _survives_as_handle(handle: str, masked: str) -> bool:
    return any(window in alnum_stream(masked) for window in windows(handle, 3))


@given(st.data(), wechat_ids)
def test_a_generated_wechat_handle_never_survives(data, handle):
    lead = data.draw(st.sampled_from(WECHAT_LEADS))
    written = data.draw(handles_written(handle))
    note = data.draw(notes_around(_after(lead, written)))
    masked = mask_personal_data(note)
    assert lead in masked
    assert not _survives_as_handle(handle, masked.replace(lead, "", 1)), masked


@given(st.data(), email_users, st.sampled_from(EMAIL_DOMAINS))
def test_a_generated_email_never_survives(data, user, domain):
    # The domain may show: a user name sharing letters with it could not be told apart.
    assume(not windows(user, 3) & windows(alnum_stream(domain), 3))
    name, suffix = domain.split(".")
    spelling = data.draw(st.sampled_from(("at", "spaced", "two sentences")))
    spelled_at_and_dot = ()
    if spelling == "spaced":
        written = " ".join(f"{user}@{domain}")
    elif spelling == "two sentences":
        lead = data.draw(st.sampled_from(("邮箱用户名是", "邮箱前缀 ", "邮箱名", "邮箱账号：")))
        written = f"{lead}{user}。后缀是{domain}"
    else:
        at = data.draw(st.sampled_from(AT_FORMS))
        dot = data.draw(st.sampled_from(DOT_FORMS))
        written = f"{user}{at}{name}{dot}{suffix}"
        spelled_at_and_dot = (at, dot)
    masked = mask_personal_data(data.draw(notes_around(written)))
    # The domain may show, and the @ and the dot as written: they are no part of the user name.
    for shown in (*spelled_at_and_dot, name, suffix):
        cut = masked.rfind(shown)
        masked = masked[:cut] + masked[cut + len(shown) :] if cut >= 0 else masked
    assert not _survives_as_handle(user, masked), masked


def _ean13(body: str) -> str:
    total = sum(int(digit) * (3 if index % 2 else 1) for index, digit in enumerate(body))
    return body + str(-total % 10)


doses = st.builds(
    "{}{}".format,
    st.one_of(
        st.integers(1, 1000).map(str),
        st.decimals("0.01", "99.9", places=2).map(str),
    ),
    st.sampled_from(("mg", "g", "ml", "片", "粒", "盒", "袋", "支", "瓶", "μg", "IU", "元")),
)
days = st.dates(date(2020, 1, 1), date(2030, 12, 31))
dates = st.one_of(
    days.map(lambda day: f"{day:%Y}年{day.month}月{day.day}日"),
    days.map(lambda day: f"{day:%Y-%m-%d}"),
    days.map(lambda day: f"{day:%Y.%m.%d}"),
    days.map(lambda day: f"{day:%Y/%m/%d}"),
    days.map(lambda day: f"有效期至{day:%Y%m%d}"),
    days.map(lambda day: f"{day:%Y-%m-%d} {day.day % 24:02d}:{day.month * 4:02d}"),
)
batches = st.one_of(
    st.builds("批号 {}".format, st.text("0123456789", min_size=6, max_size=8)),
    st.builds(
        "批号：{}{}".format, st.sampled_from("HBZ"), st.text("0123456789", min_size=6, max_size=8)
    ),
    st.builds(
        "Lot {}{}".format, st.sampled_from("ABC"), st.text("0123456789", min_size=6, max_size=7)
    ),
    st.builds(
        "国药准字{}{}".format,
        st.sampled_from("HZSJ"),
        st.text("0123456789", min_size=8, max_size=8),
    ),
    st.builds(
        lambda body: f"条码 {_ean13('69' + body)}", st.text("0123456789", min_size=10, max_size=10)
    ),
)
ordinary = st.one_of(doses, dates, batches)


@given(st.lists(ordinary, min_size=1, max_size=4), st.lists(st.sampled_from(PHRASES), max_size=3))
def test_doses_dates_and_batch_numbers_always_survive(pieces, phrases):
    note = "，".join(pieces + phrases)
    assert mask_personal_data(note) == note


@given(st.data(), mobiles, st.lists(ordinary, min_size=1, max_size=3))
def test_doses_dates_and_batches_survive_beside_a_phone_that_does_not(data, mobile, pieces):
    secret = data.draw(digits_written(mobile))
    note = "，".join([*pieces[:1], f"电话 {secret}", *pieces[1:]])
    masked = mask_personal_data(note)
    assert all(piece in masked for piece in pieces), masked
    assert _shown_digits(masked, *pieces) <= MAY_SHOW["mobile"], masked


def test_the_notes_words_hold_no_digit_a_reader_could_find():
    words = "".join(PHRASES + PART_WORDS) + "".join(WECHAT_LEADS + QQ_LEADS)
    assert digit_stream(words) == ""


def test_generated_identity_numbers_add_up():
    # GB 11643's own example.
    assert _id_number("110105", date(1949, 12, 31), 2) == "11010519491231002X"
