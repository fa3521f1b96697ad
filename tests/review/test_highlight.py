"""Cutting the original note into marked pieces for the item page."""

from app.moderation.review.highlight import Piece, note_pieces
from moderation.masking import Finding


def hit(rule_id, start, end, field="note"):
    return {
        "field": field,
        "rule_id": rule_id,
        "kind": "trading",
        "severity": 2,
        "start": start,
        "end": end,
    }


def test_pieces_put_the_note_back_together_with_each_span_marked():
    note = "出售布洛芬，电话 13912345678"
    pieces = note_pieces(note, [Finding("mobile", 9, 20)], [hit("sale_words", 0, 2)])
    assert "".join(piece.text for piece in pieces) == note
    assert pieces == [
        Piece("出售", rules=("sale_words",)),
        Piece("布洛芬，电话 "),
        Piece("13912345678", personal_data=("mobile",)),
    ]


def test_an_overlap_is_its_own_piece_carrying_both_marks():
    pieces = note_pieces(
        "价格 13912345678", [Finding("mobile", 3, 14)], [hit("price_amount", 0, 5)]
    )
    assert [(p.text, p.css_class) for p in pieces] == [
        ("价格 ", "rule"),
        ("13", "pd pd-mobile rule"),
        ("912345678", "pd pd-mobile"),
    ]


def test_overlapping_hits_of_one_rule_make_one_mark():
    pieces = note_pieces("价格 20 元", [], [hit("price_amount", 0, 4), hit("price_amount", 3, 7)])
    assert pieces == [Piece("价格 20 元", rules=("price_amount",))]


def test_hits_in_the_address_hint_do_not_mark_the_note():
    pieces = note_pieces("送给邻居", [], [hit("sale_words", 0, 2, field="address_hint")])
    assert pieces == [Piece("送给邻居")]
    assert not pieces[0].marked


def test_an_empty_note_has_no_pieces():
    assert note_pieces("", [], []) == []
