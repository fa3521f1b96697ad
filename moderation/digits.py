"""Runs of digits in normalised text (moderation.normalise), as raw material for the detectors.

A run is groups of digits joined by a few separators ("138 0013 8000", "5101-0419-..."); which
groups form a phone or identity number is for moderation.numbers to say.
"""

import re
from dataclasses import dataclass

from moderation.normalise import MAX_SEPARATORS, SEPARATOR

# An identity number's last character may be X; it is read with the digits before it.
_GROUP = r"[0-9]+(?:[Xx](?![A-Za-z0-9]))?"
GROUP = re.compile(_GROUP)
RUN = re.compile(rf"{_GROUP}(?:{SEPARATOR}{{1,{MAX_SEPARATORS}}}{_GROUP})*")
# What a found piece of personal data is replaced by before the next detector reads the text: a
# character that is no digit, no letter and no separator, so it ends any run.
CLAIMED = "囗"


# Punctuation that ends a sentence or a list item: numbers joined across it are as often two
# numbers (2020-03-01，2020-01-01) as one broken up.
SOFT_JOINTS = frozenset(",，。;；、")


@dataclass(frozen=True)
class Group:
    """Digits written together, at text[start:end]; glued when a letter or digit touches them,
    joined softly when punctuation of SOFT_JOINTS comes between them and the group before."""

    digits: str
    start: int
    end: int
    glued_left: bool
    glued_right: bool
    joined_softly: bool = False


def _glued(char: str) -> bool:
    return char.isascii() and char.isalnum()


def groups_of(text: str, start: int, end: int) -> list[Group]:
    """The groups of digits in text[start:end], a run found by RUN."""
    groups: list[Group] = []
    for group in GROUP.finditer(text, start, end):
        joint = text[groups[-1].end : group.start()] if groups else ""
        groups.append(
            Group(
                digits=group[0],
                start=group.start(),
                end=group.end(),
                glued_left=_glued(text[group.start() - 1 : group.start()]),
                glued_right=_glued(text[group.end() : group.end() + 1]),
                joined_softly=not SOFT_JOINTS.isdisjoint(joint),
            )
        )
    return groups


def run_at(text: str, start: int) -> list[Group] | None:
    """The run of digits that starts exactly at start, or None."""
    match = RUN.match(text, start)
    return groups_of(text, start, match.end()) if match else None


def digit_runs(text: str) -> list[list[Group]]:
    """Every run of digits in text, in order of appearance."""
    return [groups_of(text, *match.span()) for match in RUN.finditer(text)]
