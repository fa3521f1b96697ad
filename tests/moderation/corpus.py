"""The masking corpus (data/masking_corpus*.yaml) and its figures.

`python -m tests.moderation.corpus` prints, for the tuned and the held-out part, how many secrets
each family lets through and how many negatives come out changed.
"""

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import yaml

from moderation.masking import mask_personal_data
from tests.moderation.oracle import survives

DATA = Path(__file__).parent / "data"
PARTS = {"tuned": DATA / "masking_corpus.yaml", "held out": DATA / "masking_corpus_held_out.yaml"}


@dataclass(frozen=True)
class Positive:
    family: str
    kind: str
    secret: str
    note: str


@dataclass(frozen=True)
class Negative:
    family: str
    note: str


@dataclass(frozen=True)
class Corpus:
    positives: list[Positive]
    negatives: list[Negative]
    misses: list[Positive]


def _positives(families: list[dict]) -> list[Positive]:
    return [
        Positive(family["family"], family["kind"], str(secret), note)
        for family in families
        for secret, note in family["notes"]
    ]


def load(path: Path) -> Corpus:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    return Corpus(
        positives=_positives(raw["positives"]),
        negatives=[
            Negative(family["family"], note)
            for family in raw["negatives"]
            for note in family["notes"]
        ],
        misses=_positives(raw.get("misses", [])),
    )


def leaks(positive: Positive) -> bool:
    return survives(positive.kind, positive.secret, mask_personal_data(positive.note))


def over_masked(negative: Negative) -> bool:
    return mask_personal_data(negative.note) != negative.note


def report(name: str, path: Path) -> list[str]:
    """Recall and over-masking of one part of the corpus, then each leak and each change."""
    corpus = load(path)
    positives, negatives = corpus.positives + corpus.misses, corpus.negatives
    leaked = [positive for positive in positives if leaks(positive)]
    changed = [negative for negative in negatives if over_masked(negative)]
    recall = 1 - len(leaked) / len(positives)
    by_kind = Counter(positive.kind for positive in positives)
    leaked_by_kind = Counter(positive.kind for positive in leaked)
    return [
        f"{name}: recall {recall:.1%} ({len(positives) - len(leaked)}/{len(positives)}), "
        f"over-masked {len(changed)}/{len(negatives)}",
        "  leaked by kind: "
        + ", ".join(f"{kind} {leaked_by_kind[kind]}/{count}" for kind, count in by_kind.items()),
        *(
            f"  leak [{positive.family}] {positive.note!r} -> {mask_personal_data(positive.note)!r}"
            for positive in leaked
        ),
        *(
            f"  over [{negative.family}] {negative.note!r} -> {mask_personal_data(negative.note)!r}"
            for negative in changed
        ),
    ]


if __name__ == "__main__":
    lines = [line for name, path in PARTS.items() for line in report(name, path)]
    print("\n".join(lines))  # noqa: T201 - the command's output
