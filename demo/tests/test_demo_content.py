"""The demo case says only what the published report says."""

import re
from pathlib import Path

import pytest

from demo import case as calcinosis

DEMO = Path(calcinosis.__file__).parent
ORIGINAL = (DEMO / "calcinosis_report_original.txt").read_text(encoding="utf-8")
TRANSCRIPTION = (DEMO / "calcinosis_report.txt").read_text(encoding="utf-8")


def skeleton(text: str) -> str:
    """Letters and digits only: what survives PDF line breaks, hyphenation and split ligatures."""
    return re.sub(r"[^0-9a-z]", "", text.lower())


def plain(text: str) -> str:
    """The transcription as running prose without citation markers, for word-for-word comparison."""
    text = re.sub(r"\s*\[\d+\]", "", text)
    return re.sub(r"\s+", " ", text).strip()


def test_transcription_is_faithful_to_the_supplied_report():
    """Same letters and digits, in the same order, with citation markers written as [n]."""
    assert skeleton(re.sub(r"\[(\d+)\]", r"\1", TRANSCRIPTION)) == skeleton(ORIGINAL)


@pytest.mark.parametrize(("position", "kind", "heading", "body"), calcinosis.SECTIONS)
def test_every_section_is_report_text(position, kind, heading, body):
    with_citations = re.sub(r"<sup>(\d+)</sup>", r" [\1]", body)
    for paragraph in with_citations.split("\n\n"):
        assert plain(paragraph) in plain(TRANSCRIPTION), paragraph


@pytest.mark.parametrize("point", calcinosis.KEY_POINTS, ids=lambda point: point[0])
def test_every_key_point_quotes_the_report_word_for_word(point):
    key, statement, quote, reference, note = point
    parts = quote.split(calcinosis.GAP)
    for part in parts:
        assert part in plain(TRANSCRIPTION), f"{key}: not in the report: {part!r}"
    assert statement and statement != quote


def test_key_point_references_exist():
    numbers = {number for number, _ in calcinosis.REFERENCES}
    for key, _statement, _quote, reference, _note in calcinosis.KEY_POINTS:
        assert reference is None or reference in numbers, key


def test_every_figure_is_labelled_as_an_illustration():
    for label, _position, _modality, _site, caption, alt_text in calcinosis.FIGURES:
        assert "not the patient’s image" in caption, label
        assert "illustration" in alt_text.lower(), label


def test_required_reasoning_is_covered():
    keys = {point[0] for point in calcinosis.KEY_POINTS}
    assert {
        "four-groups",
        "metastatic-defined",
        "iatrogenic-defined",
        "idiopathic-defined",
        "dystrophic-defined",
        "normal-labs-against-metastatic",
        "mctd-makes-it-dystrophic",
        "rheumatoid-nodules-unlikely",
        "rheumatoid-nodules-not-calcified",
        "treatment-marginal",
        "treat-underlying-disorder",
    } <= keys
