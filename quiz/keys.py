"""The bridge between stored questions and the pure graders in ``quiz.grading``.

``grading_key`` turns a question and its child rows into the grader's key; ``grader_response``
turns a stored raw response (plain JSON) into what the grader reads. The child rows may be unsaved
model instances, so the admin can validate a question with the grader's own rules before saving it.
"""

import dataclasses
import json
from collections.abc import Sequence
from typing import Any

from quiz.grading import (
    free_text,
    get_grader,
    hotspot,
    matching,
    multiple_response,
    multiple_true_false,
    ordering,
    single_best,
)
from quiz.grading.options import Option as GradingOption
from quiz.models import AcceptedAnswer, Option, Question, Zone

Kind = Question.Kind

OPTION_KINDS = {Kind.SINGLE_BEST, Kind.MULTIPLE_RESPONSE, Kind.MULTIPLE_TRUE_FALSE, Kind.MATCHING, Kind.ORDERING}


def question_settings(question: Question) -> dict:
    return question.settings if isinstance(question.settings, dict) else {}


def zone_shape(zone: Zone):
    """The grader's shape for a zone; raises ValueError with an educator-readable message."""
    coordinates = zone.coordinates
    try:
        if zone.shape == Zone.Shape.RECTANGLE:
            x, y, width, height = (float(v) for v in coordinates)
            return hotspot.Rect(x, y, width, height)
        if zone.shape == Zone.Shape.CIRCLE:
            cx, cy, r = (float(v) for v in coordinates)
            return hotspot.Circle(cx, cy, r)
        if zone.shape == Zone.Shape.POLYGON:
            return hotspot.Polygon(tuple((float(x), float(y)) for x, y in coordinates))
    except (TypeError, ValueError):
        pass
    examples = {"rect": "[x, y, width, height]", "circle": "[x, y, radius]", "polygon": "[[x, y], [x, y], [x, y]]"}
    raise ValueError(
        f"Zone '{zone.key}': the coordinates {coordinates!r} do not fit a {zone.get_shape_display().lower()}; "
        f"write them as {examples.get(zone.shape, 'numbers')}, each between 0 and 1."
    )


def grading_key(
    question: Question,
    options: Sequence[Option] | None = None,
    zones: Sequence[Zone] | None = None,
    answers: Sequence[AcceptedAnswer] | None = None,
) -> Any:
    """The grader's key for a question. Child rows default to the question's saved (prefetched) ones.

    Only the rows the kind uses are read, so an unsaved question can be checked with its unsaved rows.
    """
    if question.kind == Kind.HOTSPOT:
        zones = list(question.zones.all()) if zones is None else zones
    elif question.kind == Kind.FREE_TEXT:
        answers = list(question.accepted_answers.all()) if answers is None else answers
    else:
        options = sorted(question.options.all() if options is None else options, key=lambda o: o.position)
    knobs = question_settings(question)

    match question.kind:
        case Kind.SINGLE_BEST:
            return single_best.SingleBestKey(options=tuple(GradingOption(o.key, float(o.weight)) for o in options))
        case Kind.MULTIPLE_RESPONSE:
            return multiple_response.MultipleResponseKey(
                options=tuple(GradingOption(o.key, float(o.weight)) for o in options)
            )
        case Kind.MULTIPLE_TRUE_FALSE:
            return multiple_true_false.TrueFalseKey(
                statements=tuple(multiple_true_false.Statement(o.key, bool(o.is_true)) for o in options),
                penalty=float(knobs.get("penalty", 0)),
            )
        case Kind.MATCHING:
            return matching.MatchingKey(
                stems=tuple(matching.Stem(o.key, o.match_key) for o in options if o.match_key),
                choices=tuple(o.key for o in options if not o.match_key),
            )
        case Kind.ORDERING:
            return ordering.OrderingKey(items=tuple(o.key for o in options))
        case Kind.HOTSPOT:
            return hotspot.HotspotKey(zones=tuple(hotspot.Zone(z.key, zone_shape(z), z.correct) for z in zones))
        case Kind.FREE_TEXT:
            return free_text.FreeTextKey(
                answers=tuple(free_text.AcceptedAnswer(a.key, a.text, float(a.fraction)) for a in answers),
                typo_tolerance=bool(knobs.get("typo_tolerance", True)),
            )
    raise ValueError(f"Unknown question kind {question.kind!r}")


def authoring_problems(question: Question, **rows) -> list[str]:
    """What an educator must fix before learners can answer this question, by the grader's own rules."""
    try:
        key = grading_key(question, **rows)
    except ValueError as problem:
        return [str(problem)]
    problems = get_grader(question.kind).validate(key)
    if question.kind == Kind.HOTSPOT and not question.figure_id:
        problems.append("Choose the figure the learner marks.")
    return problems


def grader_response(question: Question, raw: Any) -> Any:
    """What the grader reads, from a stored raw response. Unexpected shapes read as no answer."""
    raw = raw if isinstance(raw, dict) else {}
    match question.kind:
        case Kind.SINGLE_BEST:
            return raw.get("choice")
        case Kind.MULTIPLE_RESPONSE:
            ticked = raw.get("ticked")
            return tuple(ticked) if isinstance(ticked, list) else ()
        case Kind.MULTIPLE_TRUE_FALSE:
            answers = raw.get("answers")
            return answers if isinstance(answers, dict) else {}
        case Kind.MATCHING:
            matches = raw.get("matches")
            return matches if isinstance(matches, dict) else {}
        case Kind.ORDERING:
            # The shown order ("presented") is kept with the answer for the record, but not given to the grader:
            # its "untouched list" rule is for drag-and-drop, where leaving the list as shown is no answer. Here
            # the learner picks every position from an empty list, so an answer in the shown order is deliberate,
            # and the shown order may be the right one (quiz.forms.presented_order).
            order = raw.get("order")
            return ordering.OrderingResponse(order=tuple(order) if isinstance(order, list) else (), presented=())
        case Kind.HOTSPOT:
            marks = tuple(tuple(mark) for mark in raw.get("marks") or () if isinstance(mark, list | tuple))
            regions = raw.get("regions")
            return hotspot.HotspotResponse(marks=marks, regions=tuple(regions) if isinstance(regions, list) else ())
        case Kind.FREE_TEXT:
            return raw.get("text") or ""
    return None


def key_snapshot(question: Question) -> dict:
    """What a question's saved key says, as plain JSON: to tell whether an edit changed it, and to record it."""
    question = Question.objects.prefetch_related("options", "zones", "accepted_answers").get(pk=question.pk)
    try:
        key = dataclasses.asdict(grading_key(question))
    except ValueError as problem:
        key = {"problem": str(problem)}
    return json.loads(json.dumps({"kind": question.kind, "marks": str(question.marks), "key": key}, default=str))
