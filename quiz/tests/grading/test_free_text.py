"""Short free-text answers: normalised comparison, best fraction, optional tolerance of small slips."""

import pytest

from quiz.grading import Credit, Outcome, State
from quiz.grading.free_text import (
    AcceptedAnswer,
    FreeTextKey,
    damerau_levenshtein,
    grade,
    normalise,
    slips_allowed,
    validate,
)

KEY = FreeTextKey(
    answers=(
        AcceptedAnswer("a1", "Hypercalcaemia", 1.0),
        AcceptedAnswer("a2", "raised calcium", 1.0),
        AcceptedAnswer("a3", "calcium", 0.5),
        AcceptedAnswer("a4", "hypocalcaemia", 0.0),
    ),
    typo_tolerance=True,
)
STRICT = FreeTextKey(answers=(AcceptedAnswer("a1", "calcinosis", 1.0),), typo_tolerance=False)
SHORT = FreeTextKey(answers=(AcceptedAnswer("pth", "PTH", 1.0),), typo_tolerance=True)


@pytest.mark.parametrize(
    ("key", "response", "fraction", "state"),
    [
        pytest.param(KEY, "Hypercalcaemia", 1.0, State.CORRECT, id="exact"),
        pytest.param(KEY, "hypercalcemia", 1.0, State.CORRECT, id="American spelling"),
        pytest.param(KEY, "  HYPERCALCÆMIA!! ", 1.0, State.CORRECT, id="case, ligature, punctuation, spaces"),
        pytest.param(KEY, "Raised   calcium.", 1.0, State.CORRECT, id="synonym"),
        pytest.param(KEY, "raised-calcium", 1.0, State.CORRECT, id="hyphen is a space"),
        pytest.param(KEY, "calcium", 0.5, State.PARTIAL, id="partly right answer"),
        pytest.param(KEY, "hypocalcaemia", 0.0, State.INCORRECT, id="listed wrong answer"),
        pytest.param(KEY, "hypocalcemia", 0.0, State.INCORRECT, id="listed wrong answer, US spelling"),
        pytest.param(KEY, "hypercalcaemai", 1.0, State.CORRECT, id="one swap in a long word"),
        pytest.param(KEY, "hypercalcaema", 1.0, State.CORRECT, id="one letter dropped"),
        pytest.param(KEY, "hyprcalcema", 1.0, State.CORRECT, id="two slips in a long word"),
        pytest.param(KEY, "hyprclcema", 0.0, State.INCORRECT, id="three slips is too many"),
        pytest.param(KEY, "calcim", 0.5, State.PARTIAL, id="one slip in a 7-letter answer"),
        pytest.param(KEY, "clacim", 0.0, State.INCORRECT, id="two slips in a 7-letter answer"),
        pytest.param(KEY, "banana", 0.0, State.INCORRECT, id="wrong"),
        pytest.param(STRICT, "Calcinosis", 1.0, State.CORRECT, id="no tolerance: exact"),
        pytest.param(STRICT, "calcinossis", 0.0, State.INCORRECT, id="no tolerance: a slip is wrong"),
        pytest.param(SHORT, "pth.", 1.0, State.CORRECT, id="short answer exact"),
        pytest.param(SHORT, "PTG", 0.0, State.INCORRECT, id="no slips under 4 characters"),
        pytest.param(KEY, "", 0.0, State.INCOMPLETE, id="empty"),
        pytest.param(KEY, "   \n\t", 0.0, State.INCOMPLETE, id="whitespace"),
        pytest.param(KEY, "?!...", 0.0, State.INCOMPLETE, id="only punctuation"),
        pytest.param(KEY, None, 0.0, State.INCOMPLETE, id="None"),
        pytest.param(KEY, 42, 0.0, State.INCOMPLETE, id="garbage: a number"),
        pytest.param(KEY, ["hypercalcaemia"], 0.0, State.INCOMPLETE, id="garbage: a list"),
        pytest.param(KEY, "x" * 10_000, 0.0, State.INCORRECT, id="garbage: very long text"),
    ],
)
def test_grade(key: FreeTextKey, response: object, fraction: float, state: State) -> None:
    result = grade(key, response)
    assert result.fraction == pytest.approx(fraction, abs=1e-12)
    assert result.state == state


@pytest.mark.parametrize(
    ("response", "credits"),
    [
        ("hypercalcemia", (Credit("a1", 1.0, "matched an accepted answer", Outcome.MATCHED_ANSWER),)),
        ("hypercalcaemai", (Credit("a1", 1.0, "accepted with a small spelling slip", Outcome.NEAR_ANSWER),)),
        ("calcium", (Credit("a3", 0.5, "matched a partly right answer (50%)", Outcome.MATCHED_ANSWER),)),
        ("hypocalcaemia", (Credit("a4", 0.0, "matched an answer listed as wrong", Outcome.MATCHED_ANSWER),)),
        ("hypocalcaemai", (Credit("a4", 0.0, "close to an answer listed as wrong", Outcome.NEAR_ANSWER),)),
        ("banana", ()),
    ],
)
def test_credits(response: str, credits: tuple[Credit, ...]) -> None:
    assert grade(KEY, response).credits == credits


def test_best_fraction_wins_among_exact_matches() -> None:
    key = FreeTextKey(
        answers=(AcceptedAnswer("low", "Tumour", 0.5), AcceptedAnswer("high", "tumor", 1.0)), typo_tolerance=False
    )
    assert grade(key, "TUMOUR").fraction == 1.0


@pytest.mark.parametrize(
    ("british", "american"),
    [
        ("haemorrhage", "hemorrhage"),
        ("Hypercalcaemia", "hypercalcemia"),
        ("oedema", "edema"),
        ("diarrhoea", "diarrhea"),
        ("tumour", "tumor"),
        ("tumours", "tumors"),
        ("hospitalisation", "hospitalization"),
        ("immunised", "immunized"),
        ("centre", "center"),
        ("fibre", "fiber"),
        ("litres", "liters"),
        ("analyse", "analyze"),
        ("haemolysed", "hemolyzed"),
        ("anaesthetise", "anesthetize"),
        ("catalogue", "catalog"),
        ("sulphasalazine", "sulfasalazine"),
        ("Valsalva manoeuvre", "valsalva maneuver"),
        ("Crohn's disease", "crohns disease"),
        ("café-au-lait", "cafe au lait"),
    ],
)
def test_spelling_folds_both_sides_to_one_form(british: str, american: str) -> None:
    assert normalise(british) == normalise(american)


@pytest.mark.parametrize(
    ("text", "normalised"),
    [
        ("  Raised\tCALCIUM. ", "raized calcium"),  # folded for comparing only, so not always a word
        ("four", "four"),
        ("toe", "toe"),
        ("rise", "rise"),
        ("haemorrhage", "hemorrhage"),
        ("", ""),
        ("?!", ""),
    ],
)
def test_normalise(text: str, normalised: str) -> None:
    assert normalise(text) == normalised


@pytest.mark.parametrize(
    ("first", "second", "distance"),
    [
        ("calcinosis", "calcinosis", 0),
        ("calcinosis", "calicnosis", 1),
        ("ab", "ba", 1),
        ("kitten", "sitting", 3),
        ("", "abc", 3),
        ("ca", "abc", 3),  # optimal string alignment: a swapped pair is not edited again
    ],
)
def test_damerau_levenshtein(first: str, second: str, distance: int) -> None:
    assert damerau_levenshtein(first, second) == distance
    assert damerau_levenshtein(second, first) == distance


@pytest.mark.parametrize(("length", "slips"), [(0, 0), (3, 0), (4, 1), (7, 1), (8, 2), (30, 2)])
def test_slips_allowed(length: int, slips: int) -> None:
    assert slips_allowed(length) == slips


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        pytest.param(FreeTextKey((), True), "at least one accepted answer", id="no answers"),
        pytest.param(FreeTextKey((AcceptedAnswer("a", "calcium", 0.5),), True), "100%", id="no full-marks answer"),
        pytest.param(
            FreeTextKey((AcceptedAnswer("a", "calcium", 1.0), AcceptedAnswer("b", "ca", 1.5)), True),
            "worth 150%",
            id="fraction above 100%",
        ),
        pytest.param(
            FreeTextKey((AcceptedAnswer("a", "calcium", 1.0), AcceptedAnswer("b", "?!", 0.5)), True),
            "empty once punctuation and spacing are ignored",
            id="answer empty once normalised",
        ),
        pytest.param(
            FreeTextKey((AcceptedAnswer("a", "calcium", 1.0), AcceptedAnswer("a", "ca", 0.5)), True),
            "'a' is used more than once",
            id="duplicate key",
        ),
        pytest.param(
            FreeTextKey((AcceptedAnswer("a", "calcium", 1.0),), "yes"),  # type: ignore[arg-type]
            "spelling slips",
            id="typo tolerance not a bool",
        ),
        pytest.param(
            FreeTextKey((AcceptedAnswer("a", None, 1.0),), True),  # type: ignore[arg-type]
            "empty",
            id="text not a string",
        ),
        pytest.param("calcium", "not a short answer key", id="not a key"),
    ],
)
def test_validate_reports_authoring_errors(key: FreeTextKey, expected: str) -> None:
    problems = validate(key)
    assert any(expected in problem for problem in problems), problems


@pytest.mark.parametrize("key", [KEY, STRICT, SHORT])
def test_validate_accepts_good_keys(key: FreeTextKey) -> None:
    assert validate(key) == []
