"""Properties every grader must have, checked with Hypothesis on generated keys and responses.

For every kind:
- the fraction stays within [0, 1], and the state agrees with it, whatever the learner sends;
- the key's own answer scores 1 with state CORRECT;
- the order of the options (statements, stems, choices, zones, answers) in the key does not change the
  score; for ordering, where the key's order is the answer, the order the items were shown in does not.
"""

import math
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quiz.grading import (
    Grade,
    State,
    free_text,
    hotspot,
    matching,
    multiple_response,
    multiple_true_false,
    ordering,
    single_best,
    state_for,
)
from quiz.grading.options import Option

PROPERTY_SETTINGS = settings(deadline=None, max_examples=150)

KEY_NAMES = st.text(alphabet="abcdefgh", min_size=1, max_size=3)

GARBAGE = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
    st.binary(max_size=10),
    st.lists(st.one_of(st.text(max_size=5), st.integers(), st.none()), max_size=5),
    st.dictionaries(st.text(max_size=5), st.one_of(st.text(max_size=5), st.integers(), st.none()), max_size=5),
    st.tuples(st.floats(allow_nan=True), st.floats(allow_nan=True)),
)


def assert_well_formed(result: Grade) -> None:
    assert isinstance(result, Grade)
    assert 0.0 <= result.fraction <= 1.0
    if result.state == State.INCOMPLETE:
        assert result.fraction == 0.0
    else:
        assert result.state == state_for(result.fraction)


def same_score(first: Grade, second: Grade) -> None:
    assert first.fraction == pytest.approx(second.fraction, abs=1e-9)
    assert first.state == second.state


def shuffled(draw: st.DrawFn, items: tuple[Any, ...]) -> tuple[Any, ...]:
    return tuple(draw(st.permutations(items)))


# Single best answer ----------------------------------------------------------------------------


@st.composite
def single_best_keys(draw: st.DrawFn) -> single_best.SingleBestKey:
    names = draw(st.lists(KEY_NAMES, min_size=2, max_size=6, unique=True))
    weights = [draw(st.floats(0.0, 1.0)) for _ in names]
    weights[draw(st.integers(0, len(names) - 1))] = 1.0
    return single_best.SingleBestKey(tuple(Option(name, weight) for name, weight in zip(names, weights, strict=True)))


@st.composite
def single_best_cases(draw: st.DrawFn) -> tuple[single_best.SingleBestKey, object]:
    key = draw(single_best_keys())
    names = [option.key for option in key.options]
    response = draw(st.one_of(GARBAGE, st.sampled_from(names), st.lists(st.sampled_from(names), max_size=3)))
    return key, response


@PROPERTY_SETTINGS
@given(single_best_cases())
def test_single_best_fraction_in_range(case: tuple[single_best.SingleBestKey, object]) -> None:
    key, response = case
    assert single_best.validate(key) == []
    assert_well_formed(single_best.grade(key, response))


@PROPERTY_SETTINGS
@given(single_best_keys())
def test_single_best_key_scores_1(key: single_best.SingleBestKey) -> None:
    best = next(option.key for option in key.options if option.weight == 1.0)
    result = single_best.grade(key, best)
    assert (result.fraction, result.state) == (1.0, State.CORRECT)


@PROPERTY_SETTINGS
@given(st.data())
def test_single_best_option_order_does_not_matter(data: st.DataObject) -> None:
    key, response = data.draw(single_best_cases())
    reordered = single_best.SingleBestKey(shuffled(data.draw, key.options))
    same_score(single_best.grade(key, response), single_best.grade(reordered, response))


# Multiple response -----------------------------------------------------------------------------


@st.composite
def multiple_response_keys(draw: st.DrawFn) -> multiple_response.MultipleResponseKey:
    names = draw(st.lists(KEY_NAMES, min_size=2, max_size=7, unique=True))
    right_count = draw(st.integers(1, len(names) - 1))
    wrong_count = len(names) - right_count
    parts = [draw(st.integers(1, 10)) for _ in range(right_count)]
    right = [part / sum(parts) for part in parts]  # positive weights adding up to 1
    wrong = [max(-1.0, -1.0 / wrong_count - draw(st.floats(0.0, 1.0))) for _ in range(wrong_count)]  # sum <= -1
    options = tuple(Option(name, weight) for name, weight in zip(names, right + wrong, strict=True))
    return multiple_response.MultipleResponseKey(shuffled(draw, options))


@st.composite
def multiple_response_cases(draw: st.DrawFn) -> tuple[multiple_response.MultipleResponseKey, object]:
    key = draw(multiple_response_keys())
    names = [option.key for option in key.options]
    response = draw(
        st.one_of(
            GARBAGE,
            st.lists(st.one_of(st.sampled_from(names), st.text(max_size=3), st.integers()), max_size=8),
            st.sampled_from(names),
        )
    )
    return key, response


@PROPERTY_SETTINGS
@given(multiple_response_cases())
def test_multiple_response_fraction_in_range(case: tuple[multiple_response.MultipleResponseKey, object]) -> None:
    key, response = case
    assert multiple_response.validate(key) == []
    assert_well_formed(multiple_response.grade(key, response))


@PROPERTY_SETTINGS
@given(multiple_response_keys())
def test_multiple_response_key_scores_1(key: multiple_response.MultipleResponseKey) -> None:
    result = multiple_response.grade(key, [option.key for option in key.options if option.weight > 0])
    assert (result.fraction, result.state) == (1.0, State.CORRECT)


@PROPERTY_SETTINGS
@given(multiple_response_keys())
def test_multiple_response_ticking_every_box_scores_0(key: multiple_response.MultipleResponseKey) -> None:
    result = multiple_response.grade(key, [option.key for option in key.options])
    assert (result.fraction, result.state) == (0.0, State.INCORRECT)


@PROPERTY_SETTINGS
@given(st.data())
def test_multiple_response_option_order_does_not_matter(data: st.DataObject) -> None:
    key, response = data.draw(multiple_response_cases())
    reordered = multiple_response.MultipleResponseKey(shuffled(data.draw, key.options))
    same_score(multiple_response.grade(key, response), multiple_response.grade(reordered, response))


# Multiple true/false ---------------------------------------------------------------------------

ANSWERS = st.sampled_from(["true", "false", "dont_know", "TRUE", "maybe", ""])


@st.composite
def true_false_keys(draw: st.DrawFn) -> multiple_true_false.TrueFalseKey:
    names = draw(st.lists(KEY_NAMES, min_size=1, max_size=6, unique=True))
    statements = tuple(multiple_true_false.Statement(name, draw(st.booleans())) for name in names)
    return multiple_true_false.TrueFalseKey(statements, draw(st.floats(0.0, 1.0)))


@st.composite
def true_false_cases(draw: st.DrawFn) -> tuple[multiple_true_false.TrueFalseKey, object]:
    key = draw(true_false_keys())
    names = [statement.key for statement in key.statements]
    response = draw(
        st.one_of(
            GARBAGE,
            st.dictionaries(st.sampled_from(names), st.one_of(ANSWERS, st.integers(), st.none()), max_size=6),
            st.dictionaries(st.one_of(st.sampled_from(names), st.text(max_size=3)), ANSWERS, max_size=6),
        )
    )
    return key, response


@PROPERTY_SETTINGS
@given(true_false_cases())
def test_true_false_fraction_in_range(case: tuple[multiple_true_false.TrueFalseKey, object]) -> None:
    key, response = case
    assert multiple_true_false.validate(key) == []
    assert_well_formed(multiple_true_false.grade(key, response))


@PROPERTY_SETTINGS
@given(true_false_keys())
def test_true_false_key_scores_1(key: multiple_true_false.TrueFalseKey) -> None:
    response = {statement.key: "true" if statement.is_true else "false" for statement in key.statements}
    result = multiple_true_false.grade(key, response)
    assert (result.fraction, result.state) == (1.0, State.CORRECT)


@PROPERTY_SETTINGS
@given(st.data())
def test_true_false_statement_order_does_not_matter(data: st.DataObject) -> None:
    key, response = data.draw(true_false_cases())
    reordered = multiple_true_false.TrueFalseKey(shuffled(data.draw, key.statements), key.penalty)
    same_score(multiple_true_false.grade(key, response), multiple_true_false.grade(reordered, response))


# Extended matching -----------------------------------------------------------------------------


@st.composite
def matching_keys(draw: st.DrawFn) -> matching.MatchingKey:
    choices = tuple(draw(st.lists(KEY_NAMES, min_size=2, max_size=6, unique=True)))
    names = draw(st.lists(KEY_NAMES, min_size=2, max_size=6, unique=True))
    stems = tuple(matching.Stem(name, draw(st.sampled_from(choices))) for name in names)
    return matching.MatchingKey(stems, choices)


@st.composite
def matching_cases(draw: st.DrawFn) -> tuple[matching.MatchingKey, object]:
    key = draw(matching_keys())
    names = [stem.key for stem in key.stems]
    response = draw(
        st.one_of(
            GARBAGE,
            st.dictionaries(
                st.one_of(st.sampled_from(names), st.text(max_size=3)),
                st.one_of(st.sampled_from(key.choices), st.text(max_size=3), st.integers(), st.none()),
                max_size=6,
            ),
        )
    )
    return key, response


@PROPERTY_SETTINGS
@given(matching_cases())
def test_matching_fraction_in_range(case: tuple[matching.MatchingKey, object]) -> None:
    key, response = case
    assert matching.validate(key) == []
    assert_well_formed(matching.grade(key, response))


@PROPERTY_SETTINGS
@given(matching_keys())
def test_matching_key_scores_1(key: matching.MatchingKey) -> None:
    result = matching.grade(key, {stem.key: stem.answer for stem in key.stems})
    assert (result.fraction, result.state) == (1.0, State.CORRECT)


@PROPERTY_SETTINGS
@given(st.data())
def test_matching_stem_and_choice_order_does_not_matter(data: st.DataObject) -> None:
    key, response = data.draw(matching_cases())
    reordered = matching.MatchingKey(shuffled(data.draw, key.stems), shuffled(data.draw, key.choices))
    same_score(matching.grade(key, response), matching.grade(reordered, response))


# Ordering --------------------------------------------------------------------------------------


@st.composite
def ordering_keys(draw: st.DrawFn) -> ordering.OrderingKey:
    return ordering.OrderingKey(tuple(draw(st.lists(KEY_NAMES, min_size=3, max_size=7, unique=True))))


@st.composite
def ordering_cases(draw: st.DrawFn) -> tuple[ordering.OrderingKey, object]:
    key = draw(ordering_keys())
    items = st.one_of(st.sampled_from(key.items), st.text(max_size=3))
    sequences = st.one_of(
        st.permutations(key.items).map(tuple),
        st.lists(items, max_size=8).map(tuple),
        GARBAGE,
    )
    response = draw(
        st.one_of(
            GARBAGE,
            st.builds(ordering.OrderingResponse, order=sequences, presented=sequences),
        )
    )
    return key, response


@PROPERTY_SETTINGS
@given(ordering_cases())
def test_ordering_fraction_in_range(case: tuple[ordering.OrderingKey, object]) -> None:
    key, response = case
    assert ordering.validate(key) == []
    assert_well_formed(ordering.grade(key, response))


@PROPERTY_SETTINGS
@given(st.data())
def test_ordering_key_scores_1(data: st.DataObject) -> None:
    key = data.draw(ordering_keys())
    presented = tuple(data.draw(st.permutations(key.items).filter(lambda order: tuple(order) != key.items)))
    result = ordering.grade(key, ordering.OrderingResponse(order=key.items, presented=presented))
    assert (result.fraction, result.state) == (1.0, State.CORRECT)


@PROPERTY_SETTINGS
@given(st.data())
def test_ordering_presented_order_does_not_matter(data: st.DataObject) -> None:
    key = data.draw(ordering_keys())
    order = tuple(data.draw(st.permutations(key.items)))
    different_from_order = st.permutations(key.items).map(tuple).filter(lambda shown: shown != order)
    first = ordering.OrderingResponse(order, data.draw(different_from_order))
    second = ordering.OrderingResponse(order, data.draw(different_from_order))
    same_score(ordering.grade(key, first), ordering.grade(key, second))
    assert ordering.grade(key, first).state != State.INCOMPLETE


# Hotspot ---------------------------------------------------------------------------------------


@st.composite
def rects(draw: st.DrawFn) -> hotspot.Rect:
    x = draw(st.floats(0.0, 0.9))
    y = draw(st.floats(0.0, 0.9))
    width = draw(st.floats(0.01, (1.0 - x) * 0.999))
    height = draw(st.floats(0.01, (1.0 - y) * 0.999))
    return hotspot.Rect(x, y, width, height)


@st.composite
def circles(draw: st.DrawFn) -> hotspot.Circle:
    return hotspot.Circle(draw(st.floats(0.0, 1.0)), draw(st.floats(0.0, 1.0)), draw(st.floats(0.005, 0.5)))


@st.composite
def polygons(draw: st.DrawFn) -> hotspot.Polygon:
    """Star-shaped polygons (often concave): corners at increasing angles around a centre."""
    cx, cy = draw(st.floats(0.3, 0.7)), draw(st.floats(0.3, 0.7))
    count = draw(st.integers(3, 8))
    step = 2 * math.pi / count
    points = []
    for index in range(count):
        angle = index * step + draw(st.floats(0.0, 0.8)) * step
        radius = draw(st.floats(0.05, 0.25))
        points.append((cx + radius * math.cos(angle), cy + radius * math.sin(angle)))
    return hotspot.Polygon(tuple(points))


SHAPES = st.one_of(rects(), circles(), polygons())


@st.composite
def hotspot_keys(draw: st.DrawFn) -> hotspot.HotspotKey:
    names = draw(st.lists(KEY_NAMES, min_size=1, max_size=5, unique=True))
    correct = [True] + [draw(st.booleans()) for _ in names[1:]]
    zones = tuple(hotspot.Zone(name, draw(SHAPES), flag) for name, flag in zip(names, correct, strict=True))
    return hotspot.HotspotKey(shuffled(draw, zones))


@st.composite
def hotspot_cases(draw: st.DrawFn) -> tuple[hotspot.HotspotKey, object]:
    key = draw(hotspot_keys())
    names = [zone.key for zone in key.zones]
    any_float = st.floats(allow_nan=True, allow_infinity=True)
    points = st.one_of(
        st.tuples(st.floats(0.0, 1.0), st.floats(0.0, 1.0)),
        st.tuples(any_float, any_float),
        GARBAGE,
    )
    regions = st.one_of(st.sampled_from(names), st.text(max_size=3), st.integers(), st.none())
    response = draw(
        st.one_of(
            GARBAGE,
            st.builds(
                hotspot.HotspotResponse,
                marks=st.one_of(st.lists(points, max_size=8).map(tuple), GARBAGE),
                regions=st.one_of(st.lists(regions, max_size=5).map(tuple), GARBAGE),
            ),
        )
    )
    return key, response


@PROPERTY_SETTINGS
@given(hotspot_cases())
def test_hotspot_fraction_in_range(case: tuple[hotspot.HotspotKey, object]) -> None:
    key, response = case
    assert hotspot.validate(key) == []
    assert_well_formed(hotspot.grade(key, response))


@PROPERTY_SETTINGS
@given(hotspot_keys())
def test_hotspot_key_scores_1(key: hotspot.HotspotKey) -> None:
    targets = [zone for zone in key.zones if zone.correct]
    by_click = hotspot.HotspotResponse(marks=tuple(zone.shape.centre() for zone in targets), regions=())
    by_list = hotspot.HotspotResponse(marks=(), regions=tuple(zone.key for zone in targets))
    for response in (by_click, by_list):
        result = hotspot.grade(key, response)
        assert (result.fraction, result.state) == (1.0, State.CORRECT)


@PROPERTY_SETTINGS
@given(SHAPES)
def test_every_shape_contains_its_centre(shape: hotspot.Shape) -> None:
    assert shape.problems() == []
    assert shape.contains(*shape.centre())


@PROPERTY_SETTINGS
@given(st.data())
def test_hotspot_zone_order_does_not_matter(data: st.DataObject) -> None:
    key, response = data.draw(hotspot_cases())
    reordered = hotspot.HotspotKey(shuffled(data.draw, key.zones))
    same_score(hotspot.grade(key, response), hotspot.grade(reordered, response))


# Free text -------------------------------------------------------------------------------------

WORDS = st.text(alphabet="abcdeéhilmnorstuyæ -'", min_size=1, max_size=16).filter(free_text.normalise)


@st.composite
def free_text_keys(draw: st.DrawFn) -> free_text.FreeTextKey:
    texts = draw(st.lists(WORDS, min_size=1, max_size=5))
    fractions = [draw(st.floats(0.0, 1.0)) for _ in texts]
    fractions[draw(st.integers(0, len(texts) - 1))] = 1.0
    answers = tuple(
        free_text.AcceptedAnswer(f"a{index}", text, fraction)
        for index, (text, fraction) in enumerate(zip(texts, fractions, strict=True))
    )
    return free_text.FreeTextKey(answers, draw(st.booleans()))


@st.composite
def free_text_cases(draw: st.DrawFn) -> tuple[free_text.FreeTextKey, object]:
    key = draw(free_text_keys())
    texts = [answer.text for answer in key.answers]
    nearly = st.tuples(st.sampled_from(texts), st.text(alphabet="aex", max_size=2)).map("".join)
    response = draw(st.one_of(GARBAGE, st.text(max_size=30), WORDS, st.sampled_from(texts), nearly))
    return key, response


@PROPERTY_SETTINGS
@given(free_text_cases())
def test_free_text_fraction_in_range(case: tuple[free_text.FreeTextKey, object]) -> None:
    key, response = case
    assert free_text.validate(key) == []
    assert_well_formed(free_text.grade(key, response))


@PROPERTY_SETTINGS
@given(free_text_keys())
def test_free_text_key_scores_1(key: free_text.FreeTextKey) -> None:
    best = next(answer.text for answer in key.answers if answer.fraction == 1.0)
    result = free_text.grade(key, best)
    assert (result.fraction, result.state) == (1.0, State.CORRECT)


@PROPERTY_SETTINGS
@given(st.data())
def test_free_text_answer_order_does_not_matter(data: st.DataObject) -> None:
    key, response = data.draw(free_text_cases())
    reordered = free_text.FreeTextKey(shuffled(data.draw, key.answers), key.typo_tolerance)
    same_score(free_text.grade(key, response), free_text.grade(reordered, response))
