"""Grading: pure scoring of one learner's response to one question.

This package turns (answer key, response) into a ``Grade``: a fraction of the marks in [0, 1], a
``State`` (correct, partially correct, incorrect or incomplete) and the ``Credit`` lines that explain
the score. It is plain Python with no Django import anywhere, so the rules can be read, tested and
reasoned about on their own; the quiz app stores keys and responses and calls in here.

One module per question kind, each providing:

    KIND      the kind string the registry knows it by, e.g. "multiple_response";
    VERSION   an integer that changes whenever the grader's rule changes, so that grades stored
              with an older version can be found and recomputed;
    validate(key) -> list[str]
              problems an educator must fix before the key can be used (empty list = fine);
    grade(key, response) -> Grade
              never raises on any learner response: garbage, wrong types and unknown keys are
              treated as not chosen and ignored, and an empty response is INCOMPLETE with
              fraction 0. It may assume ``validate(key) == []``.

Each module's docstring states its rule in words and where it comes from (mostly the rules that
Moodle and similar assessment platforms have settled on).

Graders never know whether the quiz is in practice or exam mode, how many attempts have been made, or
what the question is worth: whether to show feedback, apply attempt penalties or scale to marks is the
quiz's business, not the grader's.

    grader = get_grader("single_best")
    grader.validate(key)           # [] when the key is usable
    grader.grade(key, "b")         # Grade(fraction=1.0, state=State.CORRECT, credits=(...))
"""

from . import free_text, hotspot, matching, multiple_response, multiple_true_false, ordering, single_best
from .base import AuthoringError, Credit, Grade, Grader, Outcome, State, state_for
from .options import Option

__all__ = [
    "GRADERS",
    "AuthoringError",
    "Credit",
    "Outcome",
    "Grade",
    "Grader",
    "Option",
    "State",
    "get_grader",
    "require_valid",
    "state_for",
]

GRADERS: dict[str, Grader] = {
    single_best.KIND: single_best,
    multiple_response.KIND: multiple_response,
    multiple_true_false.KIND: multiple_true_false,
    matching.KIND: matching,
    ordering.KIND: ordering,
    hotspot.KIND: hotspot,
    free_text.KIND: free_text,
}


def get_grader(kind: str) -> Grader:
    """The grader for a question kind. Raises KeyError for a kind that does not exist."""
    try:
        return GRADERS[kind]
    except (KeyError, TypeError):
        raise KeyError(f"There is no grader for the question kind {kind!r}; known kinds: {sorted(GRADERS)}.") from None


def require_valid(kind: str, key: object) -> None:
    """Raise AuthoringError listing the key's problems, if it has any (convenient in a form's clean())."""
    problems = get_grader(kind).validate(key)
    if problems:
        raise AuthoringError(problems)
