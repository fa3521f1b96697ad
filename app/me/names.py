"""People's names as written on their documents: checked, normalised, and masked for display.

Pure Python, no Flask. The full name only passes through on its way to the identity provider;
what MedShare keeps and shows is the masked form: the family name and one * per other
character (刘*, 欧阳**), or a Latin name's first letter and one * per other letter of its first
word (J***).
"""

import functools
import os
import re
import unicodedata

import yaml

COMPOUND_SURNAMES_PATH = os.path.join(os.path.dirname(__file__), "data", "compound-surnames.yaml")
NAME_FIELD = "name"
MIN_LENGTH, MAX_LENGTH = 2, 40
MASK = "*"
# The separator of transcribed names (买买提·艾力), and what people type for it.
MIDDLE_DOT = "·"
MIDDLE_DOT_LOOKALIKES = "•‧・⋅∙."
# Han characters: the unified ideographs with extensions A to H, the compatibility blocks, and 〇.
HAN = (
    "\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
    "\U00020000-\U0002ebef\U0002f800-\U0002fa1f\U00030000-\U000323af"
)
HAN_NAME = re.compile(f"[{HAN}]+(?:{MIDDLE_DOT}[{HAN}]+)*")
# Latin letters with their accented forms (not × or ÷), in words joined by single spaces; a
# hyphen or apostrophe may join letters inside a word (Jean-Luc, O'Neil).
LATIN_LETTER = "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f"
LATIN_WORD = f"[{LATIN_LETTER}]+(?:['-][{LATIN_LETTER}]+)*"
LATIN_NAME = re.compile(f"{LATIN_WORD}(?: {LATIN_WORD})*")

WRONG_LENGTH = f"Length must be between {MIN_LENGTH} and {MAX_LENGTH}."
WRONG_CHARACTERS = (
    "Enter your name as on the document: Chinese characters (with · between the parts of a "
    "transcribed name), or Latin letters and spaces."
)


class NameRejected(ValueError):
    """The name cannot be one on an identity document; `message` says why."""

    field = NAME_FIELD

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@functools.cache
def compound_surnames() -> frozenset[str]:
    with open(COMPOUND_SURNAMES_PATH, encoding="utf-8") as handle:
        return frozenset(yaml.safe_load(handle))


def normalise_name(text: str) -> str:
    """The name as the document writes it: full-width forms folded, spaces and dots tidied.

    Raises:
        NameRejected: when it is too short or long, or not all Han or all Latin.
    """
    folded = unicodedata.normalize("NFKC", text).replace("’", "'")
    name = " ".join(folded.split())
    if HAN_NAME.fullmatch(_han_form(name)):
        name = _han_form(name)
    if not MIN_LENGTH <= len(name) <= MAX_LENGTH:
        raise NameRejected(WRONG_LENGTH)
    if not (HAN_NAME.fullmatch(name) or LATIN_NAME.fullmatch(name)):
        raise NameRejected(WRONG_CHARACTERS)
    return name


def mask_name(name: str) -> str:
    """The display form of a normalised name: 刘*, 欧阳**, 买****, J***.

    Only the family name (or first letter) shows; the rest becomes one * per character.
    """
    if LATIN_NAME.fullmatch(name):
        first_word = name.split(" ")[0]
        return first_word[0].upper() + MASK * (len(first_word) - 1)
    if MIDDLE_DOT in name:
        letters = name.replace(MIDDLE_DOT, "")
        return letters[0] + MASK * (len(letters) - 1)
    family = name[:2] if len(name) > 2 and name[:2] in compound_surnames() else name[:1]
    return family + MASK * (len(name) - len(family))


def _han_form(name: str) -> str:
    """A Han name has no spaces, and any dot-like separator is the middle dot."""
    without_spaces = name.replace(" ", "")
    return without_spaces.translate(str.maketrans(dict.fromkeys(MIDDLE_DOT_LOOKALIKES, MIDDLE_DOT)))
