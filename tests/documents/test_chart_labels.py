"""Monthly summary charts (issue 19 item 8): a category label is shrunk before a word is broken
("Complaint" never prints as "Complai" / "nt"), and Chinese still wraps between characters."""

from __future__ import annotations

import pytest

from app.documents.report_pdf import _label_size, _wrap

LABELS = ["Complaint", "Carrier damage", "Exchange", "Refund only", "Repair"]


@pytest.mark.parametrize("width", [26.0, 30.0, 34.0, 40.0])
def test_english_labels_keep_their_words_whole(width: float) -> None:
    size = _label_size(LABELS, "Helvetica", width)
    for label in LABELS:
        lines = _wrap(label, "Helvetica", size, width).split("\n")
        words = label.split()
        for line in lines:
            for piece in line.replace("…", "").split():
                assert piece in words, (label, lines, size)


def test_chinese_labels_still_wrap_between_characters() -> None:
    text = "运输损坏补发与索赔"
    lines = _wrap(text, "Helvetica", 7.0, 20.0).split("\n")
    assert len(lines) == 2
