"""Reads for quiz pages: which attempt a request may see, what a step reveals, and the feedback.

Everything here reads; nothing writes. Each function fetches what a page needs in a fixed number of
queries, whatever the number of steps, questions, options or figures.
"""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.http import Http404
from django.urls import reverse
from django.utils.functional import SimpleLazyObject

from cases import page_cache
from cases.models import Figure, KeyPoint, Section
from quiz.behaviours import Certainty
from quiz.calibration import CertaintySummary, LevelCalibration, calibrate, summarise
from quiz.grading import State
from quiz.kinds import get_kind
from quiz.kinds.base import ShareGroup
from quiz.models import (
    AcceptedAnswer,
    Attempt,
    Option,
    Question,
    Quiz,
    Response,
    Step,
    StepAttempt,
    Zone,
    same_learner_as_outer,
)
from quiz.ownership import owner_hash
from quiz.services import question_mark

STATE_LABELS = {
    "correct": "Correct",
    "partially_correct": "Partly correct",
    "incorrect": "Incorrect",
    "incomplete": "Not answered",
}


def attempt_owned(token, *, user, owner_secret: str) -> Attempt:
    """The attempt if it belongs to this learner (their account, or this browser's owner secret); else 404."""
    try:
        attempts = Attempt.objects.owned_by(user=user, owner_hash=owner_hash(owner_secret))
        return attempts.select_related("quiz__case").get(token=token)
    except (Attempt.DoesNotExist, ValidationError, ValueError, TypeError):
        raise Http404("No such attempt.") from None


def attempts_of(quiz: Quiz, *, user, owner_secret: str) -> list[Attempt]:
    """This learner's attempts at a quiz: their account's, or this browser's when signed out."""
    attempts = Attempt.objects.owned_by(user=user, owner_hash=owner_hash(owner_secret))
    return list(attempts.filter(quiz=quiz).order_by("-started_at")[:20])


def attempts_in_progress(*, user, owner_secret: str, quiz: Quiz | None = None) -> list[Attempt]:
    """This learner's unfinished attempts at quizzes learners can see (or at one quiz), the latest first."""
    if not (user is not None and user.is_authenticated) and not owner_secret:
        return []
    attempts = Attempt.objects.owned_by(user=user, owner_hash=owner_hash(owner_secret)).counted()
    attempts = attempts.filter(state=Attempt.State.IN_PROGRESS, quiz__in=Quiz.objects.published())
    if quiz is not None:
        attempts = attempts.filter(quiz=quiz)
    return list(attempts.select_related("quiz", "quiz__case").order_by("-started_at")[:5])


def attempt_steps(attempt: Attempt) -> list[Step]:
    """The steps of an attempt, in order: those still asked, and withdrawn ones it had already begun."""
    return list(
        attempt.quiz.steps.filter(Q(withdrawn=False) | Q(step_attempts__attempt=attempt))
        .distinct()
        .order_by("position")
    )


@dataclass(frozen=True)
class ExamHold:
    """What a learner may see of a case while an exam on it is in force and they may not see its answers.

    ``quiz`` is the exam they may work on now; every other quiz on the case waits until the hold lifts,
    since its steps and feedback would show what the exam keeps back.
    """

    quiz: Quiz
    section_ids: frozenset[int]
    figure_ids: frozenset[int]

    def allows(self, attempt: Attempt) -> bool:
        """Whether this attempt may be worked on or looked at while the hold lasts."""
        return attempt.quiz_id == self.quiz.pk and attempt.mode == Quiz.Mode.EXAM


def exam_hold(case, *, user, owner_secret: str, now) -> ExamHold | None:
    """The case content a learner may see while an exam on it is open, or None when nothing is held back.

    Staff see everything. Anyone else sees what the exam has shown them so far (its first step, or the
    steps their exam attempt has reached), until they have finished it and its answers are open to them.
    With several exams in force on one case, they see only what every one of them allows.
    """
    if user is not None and user.is_authenticated and user.is_staff:
        return None
    exams = list(Quiz.objects.filter(case=case, mode=Quiz.Mode.EXAM).select_related("case").order_by("pk"))
    if not exams:  # most cases: one query
        return None
    mine = Attempt.objects.owned_by(user=user, owner_hash=owner_hash(owner_secret)).counted()
    holds: list[tuple[Quiz, bool, Revealed]] = []
    # An exam the learner is part-way through holds too while its educators have it unpublished (to fix it):
    # the attempt carries on once it is back, and must not have been read ahead in the meantime.
    begun = set(mine.filter(state=Attempt.State.IN_PROGRESS, mode=Quiz.Mode.EXAM).values_list("quiz", flat=True))
    for quiz in exams:
        if not (quiz.is_visible_to_learners() or quiz.pk in begun):
            continue
        still_open = quiz.closes_at is None or now < quiz.closes_at
        if not (quiz.exam_in_force(now) or (quiz.pk in begun and still_open)):
            continue
        # Only exam attempts count: one made while the quiz was in practice mode showed its answers as it went.
        attempts = list(mine.filter(quiz=quiz, mode=Quiz.Mode.EXAM).select_related("quiz"))
        if any(a.is_finished and a.answers_visible(now) for a in attempts):
            continue
        in_progress = [a.current_position for a in attempts if not a.is_finished]
        holds.append((quiz, bool(in_progress), revealed_content(quiz, max(in_progress, default=1))))
    if not holds:
        return None
    # The exam to work on: the one already begun, else the first.
    quiz = next((q for q, begun, _ in holds if begun), holds[0][0])
    sections = frozenset.intersection(*(frozenset(s.pk for s in r.sections) for _, _, r in holds))
    figures = frozenset.intersection(*(frozenset(f.pk for f in r.figures) for _, _, r in holds))
    return ExamHold(quiz=quiz, section_ids=sections, figure_ids=figures)


def held_case_ids(*, user, owner_secret: str, now) -> set[int]:
    """Cases whose hidden content a search must not match for this learner (an exam on them is in force)."""
    quizzes = Quiz.objects.published().filter(mode=Quiz.Mode.EXAM).select_related("case")
    cases = {quiz.case for quiz in quizzes if quiz.exam_in_force(now)}
    return {case.pk for case in cases if exam_hold(case, user=user, owner_secret=owner_secret, now=now)}


@dataclass
class Revealed:
    sections: list[Section]
    figures: list[Figure]
    new_section_ids: set[int]
    new_figure_ids: set[int]

    @property
    def new_sections(self) -> list[Section]:
        return [s for s in self.sections if s.pk in self.new_section_ids]

    @property
    def new_figures(self) -> list[Figure]:
        return [f for f in self.figures if f.pk in self.new_figure_ids]

    @property
    def earlier_sections(self) -> list[Section]:
        return [s for s in self.sections if s.pk not in self.new_section_ids]

    @property
    def earlier_figures(self) -> list[Figure]:
        return [f for f in self.figures if f.pk not in self.new_figure_ids]


def revealed_content(quiz: Quiz, upto_position: int) -> Revealed:
    """The case content revealed by steps 1..upto_position, and which of it the last of them revealed."""
    steps = list(
        quiz.steps.filter(position__lte=upto_position).prefetch_related(
            "reveals_sections",
            Prefetch("reveals_figures", queryset=Figure.objects.prefetch_related("renditions")),
        )
    )
    sections: dict[int, Section] = {}
    figures: dict[int, Figure] = {}
    earlier: set[tuple[str, int]] = set()
    current: set[tuple[str, int]] = set()
    for step in steps:
        seen = current if step.position == upto_position else earlier
        for section in step.reveals_sections.all():
            sections.setdefault(section.pk, section)
            seen.add(("section", section.pk))
        for figure in step.reveals_figures.all():
            figures.setdefault(figure.pk, figure)
            seen.add(("figure", figure.pk))
    new = current - earlier
    return Revealed(
        sections=sorted(sections.values(), key=lambda s: s.position),
        figures=sorted(figures.values(), key=lambda f: f.position),
        new_section_ids={pk for kind, pk in new if kind == "section"},
        new_figure_ids={pk for kind, pk in new if kind == "figure"},
    )


def questions_for_form(step: Step, *, with_keys: bool = False) -> list[Question]:
    """A step's questions still asked, with what the form shows; nothing about the key is needed to draw it.

    ``with_keys``: also what grading them needs (their accepted answers; options and zones are already here),
    so that a submission fetches the step's questions once, for the form and for ``services.step_submit``.
    """
    related = ["options", "zones", Prefetch("figure__renditions")]
    if with_keys:
        related.append("accepted_answers")
    return list(
        step.questions.filter(withdrawn=False).select_related("figure").prefetch_related(*related).order_by("position")
    )


_KEY_POINTS = Prefetch("key_points", queryset=KeyPoint.objects.select_related("reference").order_by("position"))


def questions_for_feedback(step_ids) -> list[Question]:
    """Questions with their keys, feedback and key points, for steps whose answers may be shown."""
    return list(
        Question.objects.filter(step_id__in=step_ids)
        .select_related("step", "figure")
        .prefetch_related(
            _KEY_POINTS,
            Prefetch("options", queryset=Option.objects.prefetch_related(_KEY_POINTS)),
            Prefetch("zones", queryset=Zone.objects.prefetch_related(_KEY_POINTS)),
            Prefetch("accepted_answers", queryset=AcceptedAnswer.objects.prefetch_related(_KEY_POINTS)),
            "figure__renditions",
        )
        .order_by("step__position", "position")
    )


@dataclass
class FeedbackNote:
    subject: str  # the option, statement, stem, region or answer the note is about
    verdict: str  # what the learner did with it and whether that was right, e.g. "You ticked this: right."
    text: str  # the educator's feedback
    good: bool | None  # True: earned credit; False: lost credit; None: neutral


@dataclass(frozen=True)
class OtherTry:
    """A try at a question other than the one its feedback shows: what was answered and the marks it was worth."""

    number: int
    answer: list[str]
    marks: float  # after the penalty for the tries before it


@dataclass
class QuestionFeedback:
    question: Question
    state: str
    state_label: str
    tries: int
    marks_awarded: float
    marks_possible: float
    your_answer: list[str]
    expected_answer: list[str]
    notes: list[FeedbackNote] = field(default_factory=list)
    key_points: list[KeyPoint] = field(default_factory=list)
    key_points_held: int = 0  # key points not quoted yet: a later step still asks about them
    # Key points this question cites that an earlier question of its step already quotes: the numbers of those
    # questions in the step and their ids (for a link), so each key point is quoted once per step.
    quoted_above: list[tuple[int, int]] = field(default_factory=list)
    # The try "your answer" is (the one the mark comes from, Behaviour.earning_try; 0 when none), and the others.
    answer_try: int = 0
    other_tries: list[OtherTry] = field(default_factory=list)
    marks: list[list[float]] = field(default_factory=list)  # marks placed on the figure, to draw on the review
    # What the finished step's figure draws (the targets, the marks as the grade counted them): set by the
    # kind's describe (quiz.kinds.hotspot.FigureReview), None for kinds without a figure.
    figure_review: object = None
    # The attempt the feedback is for: options are listed in the order it showed them (QuestionKind.shown_options).
    attempt: Attempt | None = None
    # How other learners answered (answer_shares); None while too few have.
    shares: "AnswerShares | None" = None
    # Certainty-based marking: how sure the learner said they were of the answer (behaviours.Certainty), else None.
    certainty: int | None = None

    @property
    def certainty_label(self) -> str:
        return Certainty(self.certainty).label if self.certainty else ""

    @property
    def shows_figure(self) -> bool:
        """Whether the review shows the question's figure (with the learner's marks on it)."""
        return get_kind(self.question.kind).needs_figure and self.question.figure_id is not None

    @property
    def mark_level(self) -> str:
        """How much of the marks was earned, "full", "some" or "none": the verdict's colour follows it."""
        if self.marks_awarded >= self.marks_possible - 1e-6:
            return "full"
        return "some" if self.marks_awarded > 1e-6 else "none"

    def note(self, item, good: bool | None, verdict: str, subject: str | None = None) -> None:
        """A note on an option, zone or accepted answer: what the learner did with it, and its feedback."""
        self.notes.append(FeedbackNote(subject if subject is not None else item.text, verdict, item.feedback, good))


ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth")


def verdict_label(shown: Response | None, *, gave_up: bool = False, tries_allowed: int = 1) -> str:
    """What became of a question, from the try its mark comes from: "Correct on the second try" ("Correct" with
    one try allowed), "Partly correct", "Incorrect", "Not answered", or "Answer shown" when the learner asked
    for the answer instead."""
    state = shown.state if shown is not None else State.INCOMPLETE
    if state == State.CORRECT:
        number = shown.try_number
        if tries_allowed == 1:
            return STATE_LABELS[State.CORRECT]
        return f"Correct on the {ORDINALS[number - 1]} try" if number <= len(ORDINALS) else f"Correct on try {number}"
    if gave_up:
        return "Answer shown"
    return STATE_LABELS.get(state, state)


def step_gave_up(attempt: Attempt, step_attempt: StepAttempt | None, last_try: list[Response]) -> bool:
    """Whether the learner asked to see a step's answer with tries left (``services.step_give_up``).

    Not stored as such: a step is otherwise committed only when its latest try is all right or the tries are
    used up, so a committed step with tries left and something wrong in its latest try was given up.
    """
    if step_attempt is None or not step_attempt.is_committed or not attempt.behaviour.learner_may_give_up:
        return False
    if step_attempt.tries_used >= attempt.behaviour.tries:
        return False
    return any(r.state != State.CORRECT for r in last_try)


def answer_of(attempt, question: Question, response) -> list[str]:
    """What the learner answered in one try, as "your answer" lists it (each kind's ``describe``, from the
    stored response: its raw answer and grade). Also for the item analysis and the learner's data download."""
    scratch = QuestionFeedback(question, response.state, "", 1, 0.0, 0.0, [], [], attempt=attempt)
    raw = response.raw if isinstance(response.raw, dict) else {}
    get_kind(question.kind).describe(question, raw, scratch, response)
    return scratch.your_answer


def question_feedback(
    attempt: Attempt,
    question: Question,
    responses: list[Response],
    held: frozenset[int] = frozenset(),
    *,
    gave_up: bool = False,
) -> QuestionFeedback:
    """Everything the learner is told about one finished question.

    The learner's answer and the notes on it are those of the try the mark comes from (``Behaviour.earning_try``,
    as ``question_mark`` counts it); the other tries are listed with what each was worth.
    ``held``: key points a step this attempt has still to answer asks about; they are not quoted yet.
    ``gave_up``: the learner asked to see the step's answer with tries left (``step_gave_up``).
    """
    responses = sorted(responses, key=lambda r: r.try_number)
    behaviour = attempt.behaviour
    answer_try = behaviour.earning_try([(r.try_number, r.fraction) for r in responses])
    shown = next((r for r in responses if r.try_number == answer_try), None)
    raw = shown.raw if shown else {}
    state = shown.state if shown else "incomplete"
    feedback = QuestionFeedback(
        question=question,
        state=state,
        state_label=verdict_label(shown, gave_up=gave_up, tries_allowed=behaviour.tries),
        tries=len(responses),
        marks_awarded=question_mark(attempt, responses, question.marks),
        marks_possible=float(question.marks),
        your_answer=[],
        expected_answer=[],
        answer_try=answer_try or 0,
        attempt=attempt,
        certainty=shown.certainty if shown is not None and behaviour.uses_certainty else None,
    )
    feedback.other_tries = [
        OtherTry(
            r.try_number, answer_of(attempt, question, r), behaviour.try_mark(r.try_number, r.fraction, question.marks)
        )
        for r in responses
        if r is not shown
    ]
    relevant = get_kind(question.kind).describe(question, raw, feedback, shown)
    points: dict[int, KeyPoint] = {}
    for item in [*relevant, question]:
        for point in item.key_points.all():
            points.setdefault(point.pk, point)
    feedback.key_points = sorted((p for p in points.values() if p.pk not in held), key=lambda p: p.position)
    feedback.key_points_held = sum(1 for pk in points if pk in held)
    if question.feedback:
        feedback.notes.append(FeedbackNote("", "", question.feedback, None))
    return feedback


@dataclass
class StepReview:
    step: Step
    questions: list[QuestionFeedback]

    @property
    def marks_awarded(self) -> float:
        return round(sum(q.marks_awarded for q in self.questions), 3)

    @property
    def marks_possible(self) -> float:
        return round(sum(q.marks_possible for q in self.questions), 3)


def step_reviews(attempt: Attempt, steps: list[Step]) -> list[StepReview]:
    """Feedback for the given (committed) steps of an attempt, in a fixed number of queries."""
    step_ids = [s.pk for s in steps]
    questions = questions_for_feedback(step_ids)
    responses: dict[int, list[Response]] = {}
    step_responses = Response.objects.filter(step_attempt__attempt=attempt, question__step_id__in=step_ids)
    for response in step_responses.select_related("step_attempt"):
        responses.setdefault(response.question_id, []).append(response)
    by_step: dict[int, list[QuestionFeedback]] = {s.pk: [] for s in steps}
    held = key_points_still_asked(attempt)
    gave_up = _steps_given_up(attempt, responses)
    for question in questions:
        if question.withdrawn and question.pk not in responses:
            continue  # withdrawn before this attempt answered it: never asked, never counted
        feedback = question_feedback(
            attempt, question, responses.get(question.pk, []), held, gave_up=question.step_id in gave_up
        )
        by_step[question.step_id].append(feedback)
    for feedbacks in by_step.values():
        quote_key_points_once(feedbacks)
    shares = answer_shares([fb.question for fbs in by_step.values() for fb in fbs], excluding=attempt)
    for feedback in (fb for fbs in by_step.values() for fb in fbs):
        feedback.shares = shares.get(feedback.question.pk)
    return [StepReview(step, by_step[step.pk]) for step in steps]


#: How others answered is shown once at least this many other learners have answered the question, so that no
#: share can be traced back to one learner.
MIN_LEARNERS_FOR_SHARES = 10


@dataclass(frozen=True)
class AnswerShares:
    """How other learners answered one question: ``learners`` counted, and the lines to show (by kind)."""

    learners: int
    groups: list[ShareGroup]

    @property
    def learners_in_tens(self) -> int:
        """The count as shown: down to a multiple of ten, so one newcomer's answer cannot be told from the change."""
        return self.learners // 10 * 10


def answer_shares(questions: list[Question], *, excluding: Attempt) -> dict[int, AnswerShares | None]:
    """Question id -> how other learners answered it (None while fewer than ``MIN_LEARNERS_FOR_SHARES`` have).

    Each other learner counts once: their first attempt at the quiz (an account's, or signed out a browser's;
    previews never), and in it their first try at the question, the answer they gave before any feedback.
    Attempts that did not answer the question do not count. ``excluding`` is the learner looking: none of
    their attempts count, and options are listed in the order it showed them. One query, however many
    questions; the questions' options and accepted answers must be prefetched.
    """
    if not questions:
        return {}
    responses: dict[int, list[Response]] = {q.pk: [] for q in questions}
    first_tries = (
        Response.objects.filter(
            question__in=list(responses),
            try_number=1,
            step_attempt__attempt__in=_first_attempts_of_others(excluding),
        )
        .exclude(state=State.INCOMPLETE)
        .only("question", "raw", "state", "credits")
        .order_by()
    )
    for response in first_tries:
        responses[response.question_id].append(response)
    shares: dict[int, AnswerShares | None] = {}
    for question in questions:
        answered = responses[question.pk]
        groups = get_kind(question.kind).share_groups(question, answered, excluding)
        enough = len(answered) >= MIN_LEARNERS_FOR_SHARES and groups
        shares[question.pk] = AnswerShares(len(answered), groups) if enough else None
    return shares


def _first_attempts_of_others(attempt: Attempt):
    """Each learner's first attempt at the attempt's quiz (previews aside), leaving out the learner who made it."""
    attempts = Attempt.objects.counted().filter(quiz_id=attempt.quiz_id)
    earlier = attempts.filter(
        Q(started_at__lt=OuterRef("started_at")) | Q(started_at=OuterRef("started_at"), pk__lt=OuterRef("pk"))
    )
    if attempt.user_id is not None:
        theirs = Q(user_id=attempt.user_id)
    elif attempt.owner_hash:
        theirs = Q(user=None, owner_hash=attempt.owner_hash)
    else:
        theirs = Q(pk=attempt.pk)
    return attempts.exclude(Exists(earlier.filter(same_learner_as_outer()))).exclude(theirs).values("pk")


def _steps_given_up(attempt: Attempt, responses: dict[int, list[Response]]) -> set[int]:
    """The ids of the steps, among those the responses (question id -> its tries) answer, given up."""
    by_step: dict[int, tuple[StepAttempt, list[Response]]] = {}
    for tries in responses.values():
        for response in tries:
            step_attempt = response.step_attempt
            by_step.setdefault(step_attempt.step_id, (step_attempt, []))[1].append(response)
    return {
        step_id
        for step_id, (step_attempt, tries) in by_step.items()
        if step_gave_up(attempt, step_attempt, [r for r in tries if r.try_number == step_attempt.tries_used])
    }


def quote_key_points_once(feedbacks: list[QuestionFeedback]) -> None:
    """Quote each key point once in a step's feedback: under the first question (in step order) citing it.

    A later question citing it says where it is quoted instead (``QuestionFeedback.quoted_above``).
    """
    quoted: dict[int, tuple[int, int]] = {}
    for number, feedback in enumerate(feedbacks, start=1):
        above = {quoted[p.pk] for p in feedback.key_points if p.pk in quoted}
        feedback.key_points = [p for p in feedback.key_points if p.pk not in quoted]
        feedback.quoted_above = sorted(above)
        for point in feedback.key_points:
            quoted[point.pk] = (number, feedback.question.pk)


def take_home_points(quiz: Quiz) -> list[KeyPoint]:
    """The key points the educator chose as the quiz's take-home summary, in the case's order."""
    return list(quiz.summary_points.order_by("position"))


def key_points_still_asked(attempt: Attempt) -> frozenset[int]:
    """Key points that a step this attempt has not yet committed asks about (by a question, an option, a
    zone or an accepted answer). Quoting one in an earlier step's feedback would answer the later step."""
    if attempt.is_finished:
        return frozenset()
    ahead = Q(step__quiz_id=attempt.quiz_id, step__withdrawn=False, step__position__gte=attempt.current_position)
    ahead &= Q(withdrawn=False)
    points = set(KeyPoint.objects.filter(questions__in=Question.objects.filter(ahead)).values_list("pk", flat=True))
    for model in (Option, Zone, AcceptedAnswer):
        items = model.objects.filter(question__in=Question.objects.filter(ahead))
        points |= set(items.values_list("key_points", flat=True))
    points.discard(None)
    return frozenset(points)


def committed_step_attempts(attempt: Attempt) -> dict[int, StepAttempt]:
    return {sa.step_id: sa for sa in attempt.step_attempts.all()}


def latest_states(step_attempt: StepAttempt | None) -> dict[int, str]:
    """Question id -> state of the learner's latest try at this step (for practice feedback between tries)."""
    if step_attempt is None or step_attempt.tries_used == 0:
        return {}
    responses = step_attempt.responses.filter(try_number=step_attempt.tries_used).only("question_id", "state")
    return {r.question_id: r.state for r in responses}


STEP_FORM_TEMPLATE = "quiz/step.html"
STEP_DONE_TEMPLATE = "quiz/step_done.html"


@dataclass(frozen=True)
class StepPage:
    """What a request for one step of an attempt gets: somewhere else to go, with a word for the learner on
    the way (``redirect_to``, ``message``), or a template and everything it shows.

    ``skip_withdrawn``: the step was withdrawn before the attempt reached it, so the attempt must first be
    moved on past it (``services.attempt_skip_withdrawn``); a selector only reads, so it only says so.
    """

    attempt: Attempt
    redirect_to: str = ""
    message: str = ""
    skip_withdrawn: bool = False
    template: str = ""
    step: Step | None = None
    steps: list[Step] = field(default_factory=list)
    revealed: Revealed | None = None
    # The form: the questions asked, the tries used so far, how each question fared in the latest try
    # (with feedback after each step), and that try's answers to fill the form in with again.
    questions: list[Question] = field(default_factory=list)
    tries_used: int = 0
    latest_states: dict[int, str] = field(default_factory=dict)
    refill: list[Response] = field(default_factory=list)
    # A committed step: its feedback, when the learner may see it, and the step to go on to (None: the results).
    review: StepReview | None = None
    next_position: int | None = None

    @property
    def shows_form(self) -> bool:
        return self.template == STEP_FORM_TEMPLATE

    @property
    def try_number(self) -> int:
        """The number of the try the form submits."""
        return self.tries_used + 1

    def context(self, **extra) -> dict:
        """The template's context, with ``extra`` (the form) added.

        The step form's page leaves ``steps`` and ``revealed`` to here: a submission that goes on to the next
        step never needs them, and the form page's "case so far" is a cached fragment whose content is read
        only when the cache misses (``revealed`` is lazy: its queries run when the template first looks in it).
        """
        steps = self.steps or attempt_steps(self.attempt)
        revealed = self.revealed
        if revealed is None and self.step is not None:
            quiz, position = self.attempt.quiz, self.step.position
            revealed = SimpleLazyObject(lambda: revealed_content(quiz, position))
        context = {
            "attempt": self.attempt,
            "quiz": self.attempt.quiz,
            "case": self.attempt.quiz.case,
            "step": self.step,
            "steps": steps,
            "step_count": len(steps),
            "revealed": revealed,
        }
        if self.shows_form:
            context |= page_cache.shared_fragments(self.attempt.quiz.case.slug)
            context |= {
                "tries_used": self.tries_used,
                "behaviour": self.attempt.behaviour,
                "latest_states": self.latest_states,
            }
        else:
            context |= {"review": self.review, "next_position": self.next_position}
        return context | extra


def step_url(attempt: Attempt, position: int) -> str:
    return reverse("quiz:step", kwargs={"token": attempt.token, "position": position})


def step_page(attempt: Attempt, position: int, *, now, submitting: bool = False) -> StepPage:
    """What a learner gets at one step of their attempt; 404 for a step the quiz does not have.

    Steps open one at a time. A step before the one the attempt is on (or every step, once the attempt is
    finished) shows what was recorded, with its feedback when the learner may see it; the step the attempt
    is on shows its form, filled in with the latest try. With ``submitting``, what a POST of the form gets:
    a committed step or a finished attempt no longer takes answers, so the learner is sent on.
    """
    try:
        step = attempt.quiz.steps.get(position=position)
    except Step.DoesNotExist:
        raise Http404("No such step.") from None
    current = attempt.current_position
    if step.withdrawn and not attempt.is_finished and position >= current:
        # Withdrawn by an educator before this attempt answered it: skip it and carry on.
        return StepPage(
            attempt,
            redirect_to=attempt.get_absolute_url(),
            message="That step was withdrawn by the quiz's educators; your attempt carries on without it.",
            skip_withdrawn=True,
        )
    if attempt.is_finished:
        if submitting:
            # Finished meanwhile: the last step answered in another tab, or the exam closed.
            return StepPage(
                attempt,
                redirect_to=reverse("quiz:review", kwargs={"token": attempt.token}),
                message="This attempt is finished: answers can no longer be given or changed.",
            )
        return _committed_step_page(attempt, step, now)
    if position > current:
        return StepPage(
            attempt,
            redirect_to=step_url(attempt, current),
            message="Finish this step first: the next one opens once it is answered.",
        )
    step_attempt = StepAttempt.objects.filter(attempt=attempt, step=step).first()
    if position < current or (step_attempt is not None and step_attempt.is_committed):
        if submitting:
            return StepPage(
                attempt,
                redirect_to=step_url(attempt, current),
                message="This step is finished; your answers were already recorded and cannot change.",
            )
        return _committed_step_page(attempt, step, now)
    tries_used = step_attempt.tries_used if step_attempt is not None else 0
    # A submitted form carries its own answers; only a fresh one is filled in with the latest try.
    refill = [] if submitting or not tries_used else list(step_attempt.responses.filter(try_number=tries_used))
    return StepPage(
        attempt,
        template=STEP_FORM_TEMPLATE,
        step=step,
        questions=questions_for_form(step, with_keys=submitting),
        tries_used=tries_used,
        latest_states=latest_states(step_attempt) if attempt.behaviour.feedback_after_each_step else {},
        refill=refill,
    )


def _committed_step_page(attempt: Attempt, step: Step, now) -> StepPage:
    # Practice: feedback after each step. Exam: once the attempt is over, when the quiz's review setting allows.
    show_feedback = attempt.answers_visible(now)
    return StepPage(
        attempt,
        template=STEP_DONE_TEMPLATE,
        step=step,
        steps=attempt_steps(attempt),
        revealed=revealed_content(attempt.quiz, step.position),
        review=step_reviews(attempt, [step])[0] if show_feedback else None,
        next_position=None if attempt.is_finished else attempt.current_position,
    )


# --- certainty-based marking -------------------------------------------------------------------------------


def certainty_summary(attempt: Attempt) -> CertaintySummary | None:
    """A finished attempt's certainty-based summary: average CBM mark, accuracy, and calibration per level.

    None for an attempt not run under certainty-based marking. Counts the questions ``attempt_totals`` counts
    (those still asked, and those this attempt answered); each by the certainty and grader's fraction of its
    one try, weighted by its marks, as Moodle's ``qbehaviour_deferredcbm::summarise_usage`` does.
    """
    if not attempt.behaviour.uses_certainty:
        return None
    responses = Response.objects.filter(step_attempt__attempt=attempt).only(
        "question_id", "try_number", "fraction", "certainty"
    )
    latest: dict[int, Response] = {}
    for response in responses.order_by("try_number"):
        latest[response.question_id] = response
    questions = Question.objects.filter(step__quiz_id=attempt.quiz_id).filter(
        Q(withdrawn=False, step__withdrawn=False) | Q(pk__in=list(latest))
    )
    answers = []
    for question_id, marks in questions.values_list("pk", "marks"):
        response = latest.get(question_id)
        if response is None:
            answers.append((None, None, float(marks)))
        else:
            answers.append((response.certainty, response.fraction, float(marks)))
    return summarise(answers)


def _calibration_of(responses) -> list[LevelCalibration]:
    """Calibration per level of the given responses with a certainty, weighted by their questions' marks."""
    rows = responses.filter(certainty__isnull=False).values_list("certainty", "fraction", "question__marks")
    return calibrate((certainty, fraction, float(marks)) for certainty, fraction, marks in rows)


def calibration_for_user(user, now) -> list[LevelCalibration]:
    """A learner's calibration across every finished attempt they made with certainty (previews aside), on any
    case: how often they were right at each level of certainty. Only attempts whose answers are open to them
    count (``Attempt.answers_visible``): the counts would otherwise tell what an exam keeps back. Empty counts
    for a signed-out visitor."""
    if user is None or not user.is_authenticated:
        return calibrate([])
    attempts = Attempt.objects.filter(user=user, state=Attempt.State.FINISHED, is_preview=False).select_related("quiz")
    visible = [attempt.pk for attempt in attempts if attempt.answers_visible(now)]
    return _calibration_of(Response.objects.filter(step_attempt__attempt__in=visible))


def calibration_for_quiz(quiz: Quiz, attempts=None) -> list[LevelCalibration]:
    """A cohort's calibration on one quiz, for its educators: every answer given with a certainty in
    ``attempts`` (a queryset or list of attempts; default each learner's first finished attempt, previews never).
    Answers to this quiz only, even if ``attempts`` holds others."""
    if attempts is None:
        attempts = Attempt.objects.filter(quiz=quiz).first_completed()
    if isinstance(attempts, (list, tuple)):
        attempts = [a.pk for a in attempts]
    else:
        attempts = attempts.values("pk")
    responses = Response.objects.filter(step_attempt__attempt__in=attempts, step_attempt__attempt__quiz=quiz)
    return _calibration_of(responses)
