"""The original note cut into pieces for the item page: which personal data and which rule hit
covers each piece, so the template can wrap them in <mark> without building HTML itself."""

from dataclasses import dataclass
from itertools import pairwise

from moderation.masking import Finding


@dataclass(frozen=True)
class Piece:
    """text, and what covers it: personal-data kinds and the ids of the rules that hit it."""

    text: str
    personal_data: tuple[str, ...] = ()
    rules: tuple[str, ...] = ()

    @property
    def marked(self) -> bool:
        return bool(self.personal_data or self.rules)

    @property
    def css_class(self) -> str:
        """ "pd pd-<kind>" for each kind of personal data, "rule" for a rule hit."""
        classes = [f"pd pd-{kind}" for kind in self.personal_data]
        return " ".join(classes + (["rule"] if self.rules else []))


def note_pieces(note: str, findings: list[Finding], rule_hits: list[dict]) -> list[Piece]:
    """Split note wherever a finding or a note rule hit starts or ends.

    Spans may overlap (a price that is also a phone number): a piece lists everything that
    covers it. rule_hits are moderation cases' stored hits; those on other fields are ignored.
    """
    spans = [(f.start, f.end, "personal_data", f.kind) for f in findings]
    spans += [
        (hit["start"], hit["end"], "rules", hit["rule_id"])
        for hit in rule_hits
        if hit.get("field", "note") == "note"
    ]
    cuts = sorted({0, len(note)} | {edge for start, end, *_ in spans for edge in (start, end)})
    pieces: list[Piece] = []
    for start, end in pairwise(cuts):
        if end > len(note):
            continue
        covering = [span for span in spans if span[0] <= start and end <= span[1]]
        piece = Piece(
            note[start:end],
            personal_data=_unique(what for *_, group, what in covering if group == "personal_data"),
            rules=_unique(what for *_, group, what in covering if group == "rules"),
        )
        if pieces and (pieces[-1].personal_data, pieces[-1].rules) == (
            piece.personal_data,
            piece.rules,
        ):
            # Overlapping hits of one rule cut the text where nothing changes: one mark, not three.
            pieces[-1] = Piece(pieces[-1].text + piece.text, piece.personal_data, piece.rules)
        else:
            pieces.append(piece)
    return pieces


def _unique(values) -> tuple[str, ...]:
    return tuple(dict.fromkeys(values))
