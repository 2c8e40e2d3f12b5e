"""The case body kept as a fragment is told apart by everything a reader may be shown differently."""

from cases.reading import Reading
from cases.views import _reading_key

WHOLE = Reading()
OPENING = Reading(section_ids=frozenset({1}), figure_ids=frozenset({2}))


def test_readings_that_show_the_same_get_the_same_body():
    assert _reading_key(OPENING) == _reading_key(Reading(section_ids=frozenset({1}), figure_ids=frozenset({2})))
    # What the guide shows around the body (the panel, whether the rest is locked) is not in it.
    assert _reading_key(OPENING) == _reading_key(
        Reading(section_ids=frozenset({1}), figure_ids=frozenset({2}), locked=True)
    )


def test_readings_that_show_anything_differently_get_a_body_of_their_own():
    others = [
        WHOLE,
        Reading(section_ids=frozenset({1}), figure_ids=frozenset()),
        Reading(section_ids=frozenset({1, 3}), figure_ids=frozenset({2})),
        Reading(section_ids=None, figure_ids=frozenset({2})),
        # The text alternative that only names a figure a question asks about, instead of describing it.
        Reading(section_ids=frozenset({1}), figure_ids=frozenset({2}), alt_texts={2: "Radiograph of the hand"}),
        Reading(section_ids=frozenset({1}), figure_ids=frozenset({2}), link_query="?whole=1"),
    ]
    keys = {_reading_key(reading) for reading in [OPENING, *others]}
    assert len(keys) == len(others) + 1
