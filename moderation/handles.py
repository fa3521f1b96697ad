"""The words that announce a WeChat, QQ or email handle, and the handles themselves.

People write these words to slip past a filter: nicknames (薇信, 卫星, 绿泡泡, 扣扣, 企鹅), emoji
(💬, 🐧, 微❤), plus forms (+V, ➕微, 加v) and characters broken up (微 信, 微-信). The patterns
read normalised text (moderation.normalise), where invisible characters are already gone and
digits are ASCII.
"""

import re
from dataclasses import dataclass
from string import ascii_letters, digits

from moderation.normalise import MAX_SEPARATORS, SEPARATOR, starting_with

# Up to two separators of any kind may stand between the characters of a word (微 信, 微-信, 薇❤信,
# wei xin), except a short Latin one (v x, q q are letters of something else).
_WORD_GAP = rf"{SEPARATOR}{{0,2}}"
SPACED_LATIN_LENGTH = 5
HEARTS = "❤♥💗💓💕💖💘💝💞🧡💛💚💙💜🖤🤍🤎❣"
WECHAT_NAMES = (
    "微信", "薇信", "威信", "维信", "徽信", "魏信", "卫星", "微心", "微芯", "薇芯", "V信", "V芯",
    "V心", "绿泡泡", "绿色泡泡",
)  # fmt: skip
WECHAT_LATIN_NAMES = ("vx", "wx", "wechat", "weixin", "vchat")
QQ_NAMES = ("扣扣", "叩叩", "抠抠", "蔻蔻", "寇寇", "企鹅")
EMAIL_NAMES = ("邮箱", "邮件", "信箱")
EMAIL_LATIN_NAMES = ("e-mail", "email", "gmail", "hotmail", "outlook", "foxmail", "mail")


def _spaced(word: str) -> str:
    return _WORD_GAP.join(re.escape(char) for char in word)


def _words(
    names: tuple[str, ...] = (),
    latin: tuple[str, ...] = (),
    others: tuple[tuple[str, str], ...] = (),
) -> tuple[str, str]:
    """An alternation of words, and the characters any of them can start with.

    Args:
        names: words matched in any case, with a gap allowed between their characters.
        latin: Latin words, matched in any case and whole, long ones with gaps too.
        others: patterns of their own, each with the characters it can start with.
    """
    patterns = [f"(?i:{_spaced(word)})" for word in names]
    if latin:
        spelled = (_spaced(word) if len(word) >= SPACED_LATIN_LENGTH else word for word in latin)
        patterns.append(r"(?<![A-Za-z])(?i:{})(?![A-Za-z])".format("|".join(spelled)))
    patterns += [pattern for pattern, _ in others]
    first = {word[0] for word in names + latin} | {char for _, chars in others for char in chars}
    first |= {char.swapcase() for char in first}
    return "|".join(patterns), "".join(sorted(first))


_WECHAT_NAMED, _WECHAT_NAMED_FIRST = _words(
    WECHAT_NAMES,
    WECHAT_LATIN_NAMES,
    ((rf"[微薇威维Vv][{HEARTS}]", "微薇威维Vv"), ("💬", "💬")),
)
# 加V, 加个V, +V信, ➕微 and 十V (a plus in disguise) before any of them; V or 微 alone is too
# short a word without it.
_PLUS, _PLUS_FIRST = r"(?:加个?|\+|➕|十)\s*", "加+➕十"
WECHAT_WORDS = rf"(?:{_PLUS})?(?:{_WECHAT_NAMED})|{_PLUS}(?:[Vv](?![A-Za-z])|微(?!信))"
_WECHAT_FIRST = _WECHAT_NAMED_FIRST + _PLUS_FIRST
QQ_WORDS, _QQ_FIRST = _words(
    QQ_NAMES,
    others=(
        (r"(?<![A-Za-z])(?i:q\s?q)(?![A-Za-z])", "Q"),
        ("🐧", "🐧"),
        (r"(?<![A-Za-z])[Qq](?=号)", "Q"),
    ),
)
EMAIL_WORDS, _EMAIL_FIRST = _words(EMAIL_NAMES, EMAIL_LATIN_NAMES)
_LEAD = r"(?:{words})(?:{suffix})?\s*[:：=]?\s*(?:是|为)?\s*[:：]?\s*"
# ID only before a colon or a space: 微信idabc123 is the handle idabc123.
_HANDLE_SUFFIX = r"\s?(?:号码?|(?:ID|id)(?=[\s:：=])|账号|帐号)"
WECHAT_LEAD = starting_with(_WECHAT_FIRST, _LEAD.format(words=WECHAT_WORDS, suffix=_HANDLE_SUFFIX))
# ... or a few words after it (微信搜 abc_123, 加个V好友 abc_666), when the handle holds a digit,
# _ or - (see Lead.weak).
WECHAT_LEAD_AND_WORDS = starting_with(
    _WECHAT_FIRST,
    _LEAD.format(words=WECHAT_WORDS, suffix=rf"{_HANDLE_SUFFIX}?[\u4e00-\u9fff]{{1,3}}"),
)
# A QQ mail's user name is the QQ number (QQ邮箱 87654321).
QQ_LEAD = starting_with(_QQ_FIRST, _LEAD.format(words=QQ_WORDS, suffix=r"\s?(?:号码?|账号|邮箱)"))
# An email's user name given without its domain: 邮箱用户名是 lihua2020, 163邮箱：chenhao88.
EMAIL_LEAD = starting_with(
    _EMAIL_FIRST,
    _LEAD.format(words=EMAIL_WORDS, suffix=r"的?(?:用户名|前缀|账号|帐号|名字?|地址|ID|id)"),
)
# A bare V, or one character of a WeChat word, before a colon: too short to trust with a word
# (V 12 tablets), so the handle must hold a digit, _ or -.
WEAK_WECHAT_LEAD = starting_with(
    "Vv微薇威维",
    r"(?<![A-Za-z0-9])[Vv](?:\s*[:：]\s*|\s+)|(?<![微薇威维])[微薇威维]\s*[:：]\s*",
)
# A bare Q is too short a word to trust with less: its number must stand alone (see masking).
BARE_Q_LEAD = starting_with("Qq", r"(?<![A-Za-z])[Qq]\s*[:：]?\s*")
# ... and a product's model number is no QQ number (型号Q12345).
PRODUCT_LABEL_BEFORE = re.compile(r"(?:型号|货号|款号|编号|规格|代码)\s*$")
# A WeChat id: a letter, then letters, digits, _ or -, 6 to 20 characters as WeChat allows; one
# written in pieces (zhang wei 88, mary 2008) takes as many as it needs to be that long.
WECHAT_ID = re.compile(r"[A-Za-z][A-Za-z0-9_-]*(?: [A-Za-z0-9_-]+)*")
WECHAT_ID_LENGTH = (6, 20)
# An email's user name, given without its domain.
EMAIL_USER = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
EMAIL_USER_LENGTH = (3, 30)
# A handle with its word after it: "zhangwei_88 (微信)", "12345678 扣扣". Not before words that
# make the word mean something else (微信支付, QQ群).
HANDLE_TRAIL = (
    r"(?<![A-Za-z0-9_-])({handle})\s*(?:([(\[【]|是我的?)\s*|是\s*)?(?:{words})"
    r"(?![A-Za-z0-9_])(?!\s?(?:支付|付款|转账|红包|群|公众号|小程序|视频号|空间))"
)
WECHAT_TRAIL = starting_with(
    ascii_letters, HANDLE_TRAIL.format(handle=r"[A-Za-z][A-Za-z0-9_-]{5,19}", words=WECHAT_WORDS)
)
QQ_TRAIL = starting_with(
    digits,
    HANDLE_TRAIL.format(
        handle=rf"\d(?:{SEPARATOR}{{0,{MAX_SEPARATORS}}}\d){{4,10}}", words=QQ_WORDS
    ),
)
# An all-letter word before 微信 is as likely English as a handle, unless brackets or 是我的 set
# it apart.
HANDLE_MARK = re.compile(r"[\d_-]")
HANDLE_DIGITS = (5, 11)


@dataclass(frozen=True)
class Lead:
    """Words that announce a handle, and what the handle after them may be.

    letters is the pattern of a handle of letters (and digits), with its shortest and longest
    length; a handle of HANDLE_DIGITS digits may follow unless digits is False. A weak lead's
    handle must hold a HANDLE_MARK. A bare lead's digits must be a whole run of their own
    starting with three digits together, and never after a product label.
    """

    kind: str
    words: re.Pattern
    letters: re.Pattern | None = None
    length: tuple[int, int] = (0, 0)
    digits: bool = True
    weak: bool = False
    bare: bool = False


LEADS = (
    Lead("wechat", WECHAT_LEAD, WECHAT_ID, WECHAT_ID_LENGTH),
    Lead("wechat", WEAK_WECHAT_LEAD, WECHAT_ID, WECHAT_ID_LENGTH, digits=False, weak=True),
    Lead("wechat", WECHAT_LEAD_AND_WORDS, WECHAT_ID, WECHAT_ID_LENGTH, digits=False, weak=True),
    Lead("qq", QQ_LEAD),
    Lead("qq", BARE_Q_LEAD, bare=True),
    Lead("email", EMAIL_LEAD, EMAIL_USER, EMAIL_USER_LENGTH),
)
