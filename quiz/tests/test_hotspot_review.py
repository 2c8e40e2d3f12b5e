"""Once the hotspot step is finished, its figure shows where the targets were and what each mark did.

Every target is drawn as a numbered outline; each mark is drawn as the stored grade counted it (a ring with a
tick for a mark that found a target, a cross for one that found none), and the list under the image says the
same in words. The demo quiz's radiograph (figure 1C) has five calcified masses as targets and four bones as
regions that are not targets.
"""

import html
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from quiz.grading import Outcome
from quiz.grading import hotspot as grader
from quiz.kinds import get_kind
from quiz.kinds.hotspot import pair_with_credits, zone_shape
from quiz.models import Attempt, Question, Response
from quiz.services import step_submit
from quiz.tests.helpers import answers_for, key_answer, load_demo_quiz

HIT, WRONG, EXTRA = Outcome.HIT, Outcome.WRONG_PICK, Outcome.EXTRA_MARK


class ReviewFigure(HTMLParser):
    """The finished hotspot figure of a page: its image's text alternative, the groups drawn over it (each with
    its class, data attributes, the classes and attributes of what it holds, and its text) and the legend's lines.
    """

    def __init__(self, page: str):
        super().__init__()
        self.alt = None
        self.groups: list[dict] = []
        self.legend: list[str] = []
        self._in_review = self._in_legend = False
        self._group = self._item = None
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        classes = (attrs.get("class") or "").split()
        if "hotspot-review" in classes:
            self._in_review = True
        elif tag == "img" and self._in_review:
            self.alt = attrs.get("alt")
        elif tag == "figcaption" and "hotspot-legend" in classes:
            self._in_legend = True
        elif tag == "li" and self._in_legend:
            self._item = ""
        elif tag == "g" and self._in_review:
            self._group = {"classes": classes, "attrs": attrs, "children": [], "text": ""}
            self.groups.append(self._group)
        elif self._group is not None:
            self._group["children"].append((tag, classes, attrs))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag):
        if tag == "g":
            self._group = None
        elif tag == "svg":
            self._in_review = False
        elif tag == "figcaption":
            self._in_legend = False
        elif tag == "li" and self._item is not None:
            self.legend.append(" ".join(self._item.split()))
            self._item = None

    def handle_data(self, data):
        if self._group is not None:
            self._group["text"] += data
        if self._item is not None:
            self._item += html.unescape(data)

    def of_class(self, name: str) -> list[dict]:
        return [g for g in self.groups if name in g["classes"]]


def figure_on(response) -> ReviewFigure:
    assert response.status_code == 200
    figure = ReviewFigure(response.content.decode())
    assert figure.alt, "the page shows no finished hotspot figure"
    return figure


@pytest.fixture
def demo(client, db):
    quiz = load_demo_quiz(max_tries=1)
    question = Question.objects.select_related("figure", "step").get(step__quiz=quiz, kind=Question.Kind.HOTSPOT)
    client.post(reverse("quiz:start", args=[quiz.slug]))
    attempt = Attempt.objects.get(quiz=quiz)
    zones = {zone.key: zone for zone in question.zones.all()}
    targets = sorted((z for z in zones.values() if z.correct), key=lambda z: z.label)
    assert [z.label for z in targets] == [f"Calcified mass {n}" for n in range(1, 6)]
    return attempt, question, zones, targets


def finish(attempt: Attempt, question: Question, raw: dict) -> None:
    """Answer every step (the hotspot question with ``raw``, the rest with the key), finishing the attempt."""
    for step in attempt.quiz.steps.order_by("position"):
        answers = answers_for(step, attempt, key_answer)
        if step.pk == question.step_id:
            answers[question.pk] = raw
        step_submit(attempt=attempt, step=step, try_number=1, raw_responses=answers)
    attempt.refresh_from_db()
    assert attempt.is_finished


def pages(client, attempt: Attempt, question: Question) -> dict[str, ReviewFigure]:
    step_url = reverse("quiz:step", args=[attempt.token, question.step.position])
    review_url = reverse("quiz:review", args=[attempt.token])
    return {"step page": figure_on(client.get(step_url)), "review": figure_on(client.get(review_url))}


def nowhere(question: Question) -> tuple[float, float]:
    """A point of the image in no zone, nor within the grader's margin of one."""
    key = get_kind(question.kind).grading_key(question)
    for x in range(5, 100, 5):
        for y in range(5, 100, 5):
            point = (x / 100, y / 100)
            if grader.grade(key, grader.HotspotResponse(marks=(point,), regions=())).credits[-1].key == "":
                return point
    raise AssertionError("no empty place on the image")


def assert_outlines(figure: ReviewFigure, question: Question, targets, where: str) -> None:
    """One numbered outline per target, where the target is: its rectangle in the image's pixels."""
    drawn = figure.of_class("hotspot-target")
    assert [g["attrs"]["data-target"] for g in drawn] == ["1", "2", "3", "4", "5"], where
    image = question.figure.fallback()
    for group, zone in zip(drawn, targets, strict=True):
        lines = [attrs for tag, classes, attrs in group["children"] if "hotspot-zone-line" in classes]
        assert len(lines) == 1, (where, group)
        x, y, width, height = zone.coordinates
        assert [float(lines[0][name]) for name in ("x", "y", "width", "height")] == [
            pytest.approx(x * image.width, abs=0.06),
            pytest.approx(y * image.height, abs=0.06),
            pytest.approx(width * image.width, abs=0.06),
            pytest.approx(height * image.height, abs=0.06),
        ], where
        assert group["text"] == group["attrs"]["data-target"], "each outline carries its number"


def marks_drawn(figure: ReviewFigure) -> list[tuple[str, str, list[str]]]:
    """Each mark drawn: its number, its verdict class, and the kinds of shape it is drawn with."""
    return [
        (
            g["attrs"]["data-mark"],
            next(c for c in g["classes"] if c.startswith("is-")),
            sorted({tag for tag, classes, _ in g["children"] if "hotspot-symbol-line" in classes}),
        )
        for g in figure.of_class("hotspot-review-mark")
    ]


def test_the_finished_step_shows_the_targets_and_each_mark_as_the_grade_counted_it(client, demo):
    attempt, question, zones, targets = demo
    mass = {n: zone_shape(targets[n - 1]).centre() for n in range(1, 6)}
    bone = zones["bone-humerus"]
    again = (mass[1][0] + 0.01, mass[1][1])
    marks = [mass[1], nowhere(question), mass[2], zone_shape(bone).centre(), again, mass[3]]
    finish(attempt, question, {"marks": [list(m) for m in marks], "regions": []})

    response = Response.objects.get(step_attempt__attempt=attempt, question=question)
    assert response.fraction == 0.5  # 3 targets found, 6 marks placed
    assert [(c["key"], c["outcome"]) for c in response.credits if c["outcome"] != "not_hit"] == [
        (targets[0].key, HIT),
        (targets[1].key, HIT),
        (targets[2].key, HIT),
        ("", EXTRA),
        (bone.key, WRONG),
        (targets[0].key, EXTRA),
    ]
    for where, figure in pages(client, attempt, question).items():
        assert figure.alt == (
            "Figure 1C with the 5 target areas outlined and your 6 marks: 3 on targets, 3 not. "
            "The region you marked that is not a target is outlined faintly."
        ), where
        assert_outlines(figure, question, targets, where)
        assert [g["classes"] for g in figure.of_class("hotspot-target")] == [["hotspot-target", "is-found"]] * 3 + [
            ["hotspot-target", "is-missed"]
        ] * 2, where
        # A hit is a ring with a tick; a miss is a cross, with no ring.
        ring_and_tick, cross = ["circle", "path"], ["path"]
        assert marks_drawn(figure) == [
            ("1", "is-hit", ring_and_tick),
            ("2", "is-miss", cross),
            ("3", "is-hit", ring_and_tick),
            ("4", "is-miss", cross),
            ("5", "is-miss", cross),
            ("6", "is-hit", ring_and_tick),
        ], where
        assert [g["text"] for g in figure.of_class("hotspot-review-mark")] == [f"M{n}" for n in range(1, 7)]
        assert len(figure.of_class("hotspot-wrong-region")) == 1, "only the bone that was marked is drawn"
        assert figure.legend == [
            "Target 1 (Calcified mass 1): found by your mark 1.",
            "Target 2 (Calcified mass 2): found by your mark 3.",
            "Target 3 (Calcified mass 3): found by your mark 6.",
            "Target 4 (Calcified mass 4): missed.",
            "Target 5 (Calcified mass 5): missed.",
            "Mark 2: not on a target.",
            f"Mark 4: not on a target (on the region “{bone.label}”).",
            "Mark 5: a second mark on target 1, which counts once.",
        ], where


def test_an_answer_picked_from_the_former_list_still_shows_the_targets_and_the_regions_picked(client, demo):
    attempt, question, zones, targets = demo
    bone = zones["bone-ulna"]
    finish(attempt, question, {"marks": [], "regions": [targets[1].key, bone.key]})

    for where, figure in pages(client, attempt, question).items():
        assert figure.alt == (
            "Figure 1C with the 5 target areas outlined; you picked 2 regions from a list instead of placing marks. "
            "The region you marked that is not a target is outlined faintly."
        ), where
        assert_outlines(figure, question, targets, where)
        assert marks_drawn(figure) == [], where
        assert len(figure.of_class("hotspot-wrong-region")) == 1, where
        assert figure.legend == [
            "Target 1 (Calcified mass 1): missed.",
            "Target 2 (Calcified mass 2): found by the region you picked from the list.",
            "Target 3 (Calcified mass 3): missed.",
            "Target 4 (Calcified mass 4): missed.",
            "Target 5 (Calcified mass 5): missed.",
            "You picked “Calcified mass 2” from the list: target 2.",
            f"You picked “{bone.label}” from the list: not a target.",
        ], where


def test_marks_are_drawn_without_a_verdict_when_the_targets_changed_after_grading(client, demo):
    """The figure never judges a mark itself: when the stored grade no longer fits the zones (an educator moved
    a target and the answer is not regraded yet), the marks are plain rings and the targets say what was credited."""
    attempt, question, zones, targets = demo
    finish(attempt, question, {"marks": [list(zone_shape(targets[0]).centre())], "regions": []})
    moved = targets[0]
    x, y, width, height = moved.coordinates
    moved.coordinates = [round(1 - width - 0.001, 4), 0.0, width, height]
    moved.save()

    for where, figure in pages(client, attempt, question).items():
        assert marks_drawn(figure) == [("1", "is-unjudged", ["circle"])], where
        assert figure.alt == "Figure 1C with the 5 target areas outlined and your 1 mark.", where
        assert figure.legend[0] == "Target 1 (Calcified mass 1): found.", where


@pytest.mark.parametrize(
    ("landed", "credits", "paired"),
    [
        # Two marks in one target: the grade counted the first, the second is the extra one.
        ([{"t"}, {"t"}], [("t", HIT), ("t", EXTRA)], [(HIT, "t"), (EXTRA, "t")]),
        # Overlapping targets: the mark in both went to whichever target the grade says it found.
        ([{"a", "b"}, {"b"}], [("a", HIT), ("b", HIT)], [(HIT, "a"), (HIT, "b")]),
        ([{"a", "b"}], [("a", "not_hit"), ("b", HIT)], [(HIT, "b")]),
        # A mark outside every zone, and one on a region that is not a target, in the order placed.
        ([set(), {"w"}, {"t"}], [("t", HIT), ("", EXTRA), ("w", WRONG)], [(EXTRA, ""), (WRONG, "w"), (HIT, "t")]),
        # Credits the marks can not account for (the zones changed): no pairing.
        ([{"t"}], [("t", "not_hit"), ("", EXTRA)], None),
        ([{"t"}, set()], [("t", HIT)], None),
        ([set()], [("t", HIT)], None),
        # Where a mark lands never overrules the stored grade: in the target, but not credited for it.
        ([{"t"}], [("t", "not_hit"), ("t", EXTRA)], [(EXTRA, "t")]),
    ],
)
def test_marks_are_paired_with_the_credits_the_grade_stored(landed, credits, paired):
    assert pair_with_credits(landed, credits) == paired
