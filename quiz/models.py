"""Quizzes, their steps and questions, and learners' attempts.

A quiz belongs to a case and has ordered steps. Each step reveals parts of the case (sections,
figures) and asks one or more questions. One ``Question`` table holds every kind; options, image
zones and accepted answers live in child tables, and every one of them can carry feedback and link
to the case's key points, so feedback quotes the published reasoning.
"""

import secrets
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.functional import cached_property

from cases.markup import render_markdown
from cases.models import Case, Figure, KeyPoint, Section
from quiz.behaviours import Behaviour, Certainty, for_quiz, from_rules


class Status(models.TextChoices):
    DRAFT = "draft", "Draft (visible to staff only)"
    PUBLISHED = "published", "Published (visible to learners)"


class QuizQuerySet(models.QuerySet):
    def published(self):
        """Quizzes learners may take: the quiz and its case are both published."""
        return self.filter(status=Status.PUBLISHED, case__status=Case.Status.PUBLISHED)

    def answers_open(self, now):
        """Quizzes whose expected answers any learner who takes them may see by now: practice (after each step),
        and the others when their review setting allows it (right after an attempt, or once closed).
        The same rule as ``Attempt.answers_visible``, for a quiz rather than an attempt."""
        return self.filter(
            models.Q(mode=Quiz.Mode.PRACTICE)
            | models.Q(review_after=Quiz.ReviewAfter.ATTEMPT)
            | models.Q(review_after=Quiz.ReviewAfter.CLOSE, closes_at__lte=now)
        )


class Quiz(models.Model):
    class Mode(models.TextChoices):
        PRACTICE = "practice", "Practice: feedback after each step, several tries"
        EXAM = "exam", "Exam: one try per step, feedback only at the end"
        CBM = "cbm", "Certainty-based marking: one try per step, learners say how sure they are, feedback at the end"

    class ReviewAfter(models.TextChoices):
        ATTEMPT = "attempt", "Right after their attempt"
        CLOSE = "close", "After the closing date"
        NEVER = "never", "Never: learners see their score only"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="quizzes", verbose_name="case")
    title = models.CharField("title", max_length=200, help_text="e.g. 'Work through the case'.")
    slug = models.SlugField(
        "web address", max_length=200, unique=True, help_text="The last part of the quiz's web address."
    )
    introduction = models.TextField(
        "introduction", blank=True, help_text="Shown before the first step. Markdown; scripts are removed."
    )
    objectives = models.TextField(
        "learning objectives",
        blank=True,
        help_text="What a learner should be able to do after the quiz, one per line, shown on its opening page. "
        "Start each with a verb, e.g. 'Classify calcinosis cutis from the laboratory results'.",
    )
    summary_points = models.ManyToManyField(
        "cases.KeyPoint",
        blank=True,
        related_name="summarised_in",
        verbose_name="take-home points",
        help_text="Three to five key points of the case, shown at the top of the review page as the quiz's "
        "take-home summary.",
    )
    mode = models.CharField(
        "mode",
        max_length=20,
        choices=Mode,
        default=Mode.PRACTICE,
        help_text="Practice shows feedback after each step and allows several tries; exam allows one try per "
        "step and shows feedback only at the end. Certainty-based marking allows one try per step: with each "
        "answer learners say how sure they are (right: 1, 2 or 3 times the marks; wrong: 0, -2 or -6 times), and "
        "they see the answers when the review setting below allows.",
    )
    max_tries = models.PositiveSmallIntegerField(
        "tries per step (practice)",
        default=3,
        help_text="In practice mode, how many times a learner may answer a step before the answer is shown. "
        "Exam mode always allows one.",
    )
    penalty_per_try = models.DecimalField(
        "penalty per extra try (practice)",
        max_digits=4,
        decimal_places=3,
        default=0.333,
        help_text="Fraction of a question's marks lost for each try after the first, e.g. 0.333 = a third.",
    )
    practice_certainty = models.BooleanField(
        "learners may add certainty (practice)",
        default=False,
        help_text="In practice mode, let learners choose to say how sure they are of each answer when they start "
        "an attempt. Their attempt then has one try per step, marked for certainty, with feedback after each step.",
    )
    attempts_allowed = models.PositiveSmallIntegerField(
        "attempts allowed (exam)",
        default=1,
        validators=[MinValueValidator(1)],
        help_text="In exam mode, how many attempts each learner may make. Practice mode allows any number.",
    )
    review_after = models.CharField(
        "learners see the answers (exam, certainty-based)",
        max_length=20,
        choices=ReviewAfter,
        default=ReviewAfter.ATTEMPT,
        help_text="In exam and certainty-based mode, when learners may see the expected answers and the published "
        "reasoning. Until then they see their score only. Practice mode shows them after each step.",
    )
    opens_at = models.DateTimeField(
        "opens", null=True, blank=True, help_text="Optional: learners cannot start the quiz before this time."
    )
    closes_at = models.DateTimeField(
        "closes",
        null=True,
        blank=True,
        help_text="Optional: learners cannot start the quiz from this time on. While an exam is open, learners "
        "who have not finished it see only the parts of the case their attempt has reached.",
    )
    status = models.CharField(
        "status",
        max_length=20,
        choices=Status,
        default=Status.DRAFT,
        help_text="Learners see the quiz only when both it and its case are published.",
    )
    created_at = models.DateTimeField("created", auto_now_add=True)
    updated_at = models.DateTimeField("last changed", auto_now=True)

    objects = QuizQuerySet.as_manager()

    class Meta:
        ordering = ["case", "title"]
        verbose_name = "quiz"
        verbose_name_plural = "quizzes"

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("quiz:start", kwargs={"slug": self.slug})

    @property
    def introduction_html(self):
        return render_markdown(self.introduction)

    @property
    def objective_list(self) -> list[str]:
        return [line.strip() for line in self.objectives.splitlines() if line.strip()]

    def is_visible_to_learners(self) -> bool:
        return self.status == Status.PUBLISHED and self.case.status == Case.Status.PUBLISHED

    @property
    def behaviour(self) -> Behaviour:
        """The behaviour an attempt starting now runs under (quiz.behaviours)."""
        return for_quiz(self)

    def is_open(self, now) -> bool:
        """Whether learners may start an attempt now (its dates allow it; publication is checked apart)."""
        return (self.opens_at is None or self.opens_at <= now) and (self.closes_at is None or now < self.closes_at)

    def exam_in_force(self, now) -> bool:
        """A published exam not yet closed: the case keeps back what the learner has not reached."""
        return (
            self.mode == self.Mode.EXAM
            and self.is_visible_to_learners()
            and (self.closes_at is None or now < self.closes_at)
        )

    def clean(self):
        if self.penalty_per_try is not None and not 0 <= self.penalty_per_try <= 1:
            raise ValidationError({"penalty_per_try": "Give a fraction between 0 and 1."})
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            raise ValidationError({"closes_at": "The closing time must come after the opening time."})
        deferred = self.mode in (self.Mode.EXAM, self.Mode.CBM)
        if deferred and self.review_after == self.ReviewAfter.CLOSE and not self.closes_at:
            raise ValidationError(
                {"closes_at": "Set a closing time, or choose another time for learners to see the answers."}
            )
        if (
            self.mode == self.Mode.EXAM
            and self.review_after == self.ReviewAfter.ATTEMPT
            and (self.attempts_allowed or 0) != 1
        ):
            raise ValidationError(
                {
                    "review_after": "An exam that allows more than one attempt cannot show the answers right after "
                    "an attempt: the next attempt would be taken with them in hand. Show them after the closing "
                    "date, or never, or allow one attempt."
                }
            )
        if self.status == Status.PUBLISHED and self.pk:
            # Imported here: quiz.keys reads the question kinds, which import these models.
            from quiz.keys import quiz_publish_problems

            problems = quiz_publish_problems(self)
            if problems:
                lead = "Learners could not take this quiz yet. Fix these first, or keep it a draft:"
                raise ValidationError({"status": [lead, *problems]})

    #: How many take-home points a quiz may have: none, or three to five.
    SUMMARY_POINTS_MIN, SUMMARY_POINTS_MAX = 3, 5

    def summary_points_problems(self, points=None, *, case_id=None) -> list[str]:
        """What is wrong with these take-home points (default: the saved ones) for this quiz (or for ``case_id``).

        Many-to-many rows are checked here rather than in ``clean()``, which runs before a form saves them.
        """
        points = list(self.summary_points.all() if points is None else points)
        case_id = self.case_id if case_id is None else case_id
        problems = []
        if points and not self.SUMMARY_POINTS_MIN <= len(points) <= self.SUMMARY_POINTS_MAX:
            problems.append(
                f"Choose {self.SUMMARY_POINTS_MIN} to {self.SUMMARY_POINTS_MAX} take-home points, or none "
                f"({len(points)} chosen): a summary of the case's main points, not a list of all of them."
            )
        foreign = [point for point in points if point.case_id != case_id]
        if foreign:
            problems.append(f"{_quoted(foreign)} belong to another case: choose key points of this quiz's case.")
        return problems


class Step(models.Model):
    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="steps", verbose_name="quiz")
    position = models.PositiveSmallIntegerField("position", help_text="Order in the quiz: 1 comes first.")
    title = models.CharField("title", max_length=200, help_text="e.g. 'The radiographs'.")
    introduction = models.TextField(
        "introduction",
        blank=True,
        help_text="What the learner reads at the start of this step, before the questions. Markdown.",
    )
    reveals_sections = models.ManyToManyField(
        Section,
        blank=True,
        related_name="revealed_by_steps",
        verbose_name="sections revealed",
        help_text="Parts of the case the learner can read from this step on. Choose sections of this quiz's case.",
    )
    reveals_figures = models.ManyToManyField(
        Figure,
        blank=True,
        related_name="revealed_by_steps",
        verbose_name="figures revealed",
        help_text="Figures the learner can see from this step on.",
    )
    withdrawn = models.BooleanField(
        "withdrawn from learners",
        default=False,
        help_text="A step that learners have answered cannot be deleted; withdraw it instead. Attempts that have "
        "not reached it skip it; answers already given keep counting for the attempts that gave them.",
    )

    class Meta:
        ordering = ["quiz", "position"]
        constraints = [models.UniqueConstraint(fields=["quiz", "position"], name="step_unique_position")]
        verbose_name = "step"
        verbose_name_plural = "steps"

    def __str__(self):
        return f"Step {self.position}: {self.title}"

    @property
    def introduction_html(self):
        return render_markdown(self.introduction)

    def reveal_problems(self, sections=None, figures=None, *, case_id=None) -> dict[str, str]:
        """Sections and figures of another case than the quiz's, that this step would reveal: field -> problem.

        A wrong tick would show another patient inside the quiz. Defaults to the saved reveals and the quiz's
        case; a form passes what is chosen (many-to-many rows are saved after ``clean()`` runs, so it can
        not check them).
        """
        case_id = self.quiz.case_id if case_id is None else case_id
        chosen = {
            "reveals_sections": self.reveals_sections.all() if sections is None else sections,
            "reveals_figures": self.reveals_figures.all() if figures is None else figures,
        }
        problems = {}
        for field, rows in chosen.items():
            foreign = [row for row in rows if row.case_id != case_id]
            if foreign:
                kind = field.removeprefix("reveals_")
                problems[field] = f"{_quoted(foreign)} belong to another case: choose only {kind} of this quiz's case."
        return problems


def _quoted(rows) -> str:
    """Rows named for a message: “Presentation”, “Figure 1A”."""
    return ", ".join(f"“{row}”" for row in rows)


class Question(models.Model):
    class Kind(models.TextChoices):
        SINGLE_BEST = "single_best", "Single best answer"
        MULTIPLE_RESPONSE = "multiple_response", "Multiple response (select all that apply)"
        MULTIPLE_TRUE_FALSE = "multiple_true_false", "Multiple true/false"
        MATCHING = "matching", "Matching (extended matching)"
        ORDERING = "ordering", "Ordering"
        HOTSPOT = "hotspot", "Image hotspot (mark points on a figure)"
        FREE_TEXT = "free_text", "Short free text"

    step = models.ForeignKey(Step, on_delete=models.CASCADE, related_name="questions", verbose_name="step")
    position = models.PositiveSmallIntegerField("position", help_text="Order within the step: 1 comes first.")
    kind = models.CharField(
        "kind",
        max_length=30,
        choices=Kind,
        help_text="How the learner answers and how the answer is scored. See the scoring rules below the form.",
    )
    prompt = models.TextField("question", help_text="The question as the learner reads it. Markdown.")
    marks = models.DecimalField(
        "marks", max_digits=5, decimal_places=2, default=1, help_text="What a fully correct answer is worth."
    )
    figure = models.ForeignKey(
        Figure,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="hotspot_questions",
        verbose_name="figure to mark (hotspot)",
        help_text="For an image hotspot question: the figure the learner marks. It must be revealed by this "
        "step or an earlier one.",
    )
    hint = models.TextField(
        "hint (practice)",
        blank=True,
        help_text="Shown in practice mode after a wrong try, before the answer is shown.",
    )
    feedback = models.TextField(
        "general feedback",
        blank=True,
        help_text="Shown with the answer once the question is finished, whatever the learner answered.",
    )
    key_points = models.ManyToManyField(
        KeyPoint,
        blank=True,
        related_name="questions",
        verbose_name="key points",
        help_text="The published reasoning behind this question; quoted back to the learner as feedback.",
    )
    settings = models.JSONField(
        "settings",
        default=dict,
        blank=True,
        help_text='Knobs for some kinds: {"penalty": 0.5} for multiple true/false (fraction of a statement lost '
        'for a wrong answer), {"typo_tolerance": false} for free text to switch off spelling slips.',
    )
    withdrawn = models.BooleanField(
        "withdrawn from learners",
        default=False,
        help_text="A question that learners have answered cannot be deleted; withdraw it instead. It is no longer "
        "asked; answers already given keep counting for the attempts that gave them.",
    )

    class Meta:
        ordering = ["step", "position"]
        constraints = [models.UniqueConstraint(fields=["step", "position"], name="question_unique_position")]
        verbose_name = "question"
        verbose_name_plural = "questions"

    def __str__(self):
        prompt = self.prompt if len(self.prompt) <= 50 else self.prompt[:49] + "…"
        return f"Question {self.position}: {prompt}"

    @property
    def prompt_html(self):
        return render_markdown(self.prompt)


class FeedbackMixin(models.Model):
    """What an option, zone or accepted answer says back, and the key points it rests on."""

    feedback = models.TextField(
        "feedback",
        blank=True,
        help_text="Shown after answering, next to this choice: why it is right or wrong.",
    )
    key_points = models.ManyToManyField(
        KeyPoint,
        blank=True,
        related_name="%(class)s_set",
        verbose_name="key points",
        help_text="The key points of the case that explain this choice; their quoted sentences are shown.",
    )

    class Meta:
        abstract = True


class Option(FeedbackMixin):
    """An answer option, a true/false statement, a matching stem or choice, or an item to order."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="options")
    key = models.SlugField(
        "key",
        max_length=40,
        help_text="A short stable name (e.g. 'a', 'dystrophic'). Learners' answers are stored by key, so do not "
        "reuse a key for a different option.",
    )
    position = models.PositiveSmallIntegerField(
        "position", help_text="Display order. For ordering questions, the CORRECT order (learners see it shuffled)."
    )
    text = models.TextField("text", help_text="The option, statement, stem, choice or item as learners see it.")
    weight = models.DecimalField(
        "weight",
        max_digits=5,
        decimal_places=3,
        default=0,
        help_text="Single best answer: 1 for the best answer, 0 (or partial credit) for others. Multiple "
        "response: right options add up to 1; wrong ones are negative, e.g. -0.5.",
    )
    is_true = models.BooleanField(
        "statement is true",
        null=True,
        blank=True,
        help_text="Multiple true/false only: is this statement true?",
    )
    pinned = models.BooleanField(
        "keep in place",
        default=False,
        help_text="Options are shown in a new order on each attempt; a pinned option keeps the position you "
        "give it. Pin every option of a scale (mild, moderate, severe) to keep the scale in order.",
    )
    match_key = models.SlugField(
        "matching choice",
        max_length=40,
        blank=True,
        help_text="Matching only: on a stem, the key of the choice that matches it. Leave empty on the choices "
        "themselves; choices no stem points to are distractors.",
    )

    class Meta:
        ordering = ["question", "position"]
        constraints = [
            models.UniqueConstraint(fields=["question", "key"], name="option_unique_key"),
            models.UniqueConstraint(fields=["question", "position"], name="option_unique_position"),
        ]
        verbose_name = "option"
        verbose_name_plural = "options"

    def __str__(self):
        return f"{self.key}: {self.text[:60]}"


class Zone(FeedbackMixin):
    """A region of a hotspot question's figure, in image-relative coordinates (0 to 1)."""

    class Shape(models.TextChoices):
        RECTANGLE = "rect", "Rectangle"
        CIRCLE = "circle", "Circle"
        POLYGON = "polygon", "Polygon"

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="zones")
    key = models.SlugField("key", max_length=40, help_text="A short stable name, e.g. 'mass-1'.")
    label = models.CharField(
        "label",
        max_length=200,
        help_text="Names the region in feedback and in the review, once the learner has answered (e.g. "
        "'Calcified mass behind the olecranon'). Learners never see it before.",
    )
    shape = models.CharField("shape", max_length=10, choices=Shape, default=Shape.RECTANGLE)
    coordinates = models.JSONField(
        "coordinates",
        help_text="Fractions of the image's width and height (0 to 1). Rectangle: [x, y, width, height]. "
        "Circle: [centre x, centre y, radius (fraction of width)]. Polygon: [[x, y], [x, y], ...]. "
        "Easiest: draw it on the figure above.",
    )
    correct = models.BooleanField(
        "a correct target", default=True, help_text="Untick for a wrong region offered as a distractor."
    )

    class Meta:
        ordering = ["question", "key"]
        constraints = [models.UniqueConstraint(fields=["question", "key"], name="zone_unique_key")]
        verbose_name = "zone"
        verbose_name_plural = "zones"

    def __str__(self):
        return self.label


class AcceptedAnswer(FeedbackMixin):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="accepted_answers")
    key = models.SlugField("key", max_length=40, help_text="A short stable name, e.g. 'virchow'.")
    text = models.CharField(
        "accepted answer",
        max_length=200,
        help_text="An answer to accept. Add synonyms as further answers. Case, accents, punctuation and "
        "British/American spelling are ignored.",
    )
    fraction = models.DecimalField(
        "credit", max_digits=4, decimal_places=3, default=1, help_text="1 = full marks; 0.5 = half marks."
    )

    class Meta:
        ordering = ["question", "-fraction", "key"]
        constraints = [models.UniqueConstraint(fields=["question", "key"], name="accepted_answer_unique_key")]
        verbose_name = "accepted answer"
        verbose_name_plural = "accepted answers"

    def __str__(self):
        return self.text


def new_seed() -> str:
    return secrets.token_hex(16)


class AttemptQuerySet(models.QuerySet):
    def counted(self):
        """Attempts that count as learners' work: previews by educators do not."""
        return self.filter(is_preview=False)

    def owned_by(self, *, user=None, owner_hash: str = ""):
        """A signed-in learner's attempts (their account's), or a signed-out browser's (its owner secret's)."""
        if user is not None and user.is_authenticated:
            return self.filter(user=user)
        if owner_hash:
            return self.filter(user=None, owner_hash=owner_hash)
        return self.none()

    def first_completed(self):
        """Each learner's first finished attempt at each quiz: what statistics and averages count.

        A retake, made after seeing the review, measures memory of the answers rather than reasoning.
        """
        finished = self.model.objects.counted().filter(state=self.model.State.FINISHED, quiz=models.OuterRef("quiz"))
        earlier = finished.filter(finished_at__lt=models.OuterRef("finished_at"))
        return (
            self.counted()
            .filter(state=self.model.State.FINISHED)
            .exclude(models.Exists(earlier.filter(same_learner_as_outer())))
        )


def same_learner_as_outer() -> models.Q:
    """Attempts by the learner of the outer query's attempt (for a subquery with ``OuterRef``).

    Signed out, the same browser is the same learner; an attempt with no owner left is its own learner.
    """
    return models.Q(user__isnull=False, user=models.OuterRef("user")) | (
        models.Q(user=None, owner_hash=models.OuterRef("owner_hash")) & ~models.Q(owner_hash="")
    )


class Attempt(models.Model):
    """One learner's run through a quiz: their account's, or (signed out) their browser's (quiz.ownership)."""

    class State(models.TextChoices):
        IN_PROGRESS = "in_progress", "In progress"
        FINISHED = "finished", "Finished"

    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # Learners' records outlive the quiz's authoring: a quiz with attempts cannot be deleted, only unpublished.
    quiz = models.ForeignKey(Quiz, on_delete=models.PROTECT, related_name="attempts")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="quiz_attempts"
    )
    owner_hash = models.CharField(
        "browser owner (keyed hash)", max_length=64, blank=True, db_index=True, editable=False
    )
    # Seeds this attempt's shuffles. Never sent to the browser, so a page cannot be used to undo a shuffle.
    seed = models.CharField(max_length=32, default=new_seed, editable=False)
    orders = models.JSONField(
        default=dict,
        editable=False,
        help_text="The order this attempt shows each question's options in, drawn when it began: "
        "{question id: {'options': [keys], ...}}.",
    )
    mode = models.CharField(max_length=20, choices=Quiz.Mode, help_text="The quiz's mode when the attempt began.")
    rules = models.JSONField(
        default=dict,
        editable=False,
        help_text="The rules (tries, penalty) copied from the quiz when the attempt began (quiz.behaviours).",
    )
    is_preview = models.BooleanField("educator preview", default=False)
    state = models.CharField(max_length=20, choices=State, default=State.IN_PROGRESS)
    current_position = models.PositiveSmallIntegerField(
        default=1, help_text="The step the learner is on: every step before it is committed."
    )
    score = models.DecimalField(max_digits=7, decimal_places=3, null=True, blank=True)
    max_score = models.DecimalField(max_digits=7, decimal_places=3, null=True, blank=True)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = AttemptQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at"]
        verbose_name = "attempt"
        verbose_name_plural = "attempts"

    def __str__(self):
        who = self.user or "anonymous learner"
        return f"{self.quiz} by {who} ({self.get_state_display()})"

    def get_absolute_url(self):
        return reverse("quiz:attempt", kwargs={"token": self.token})

    @property
    def is_finished(self) -> bool:
        return self.state == self.State.FINISHED

    @cached_property
    def behaviour(self) -> Behaviour:
        """The rules this attempt runs under: those of its quiz when it began."""
        return from_rules(self.rules)

    def answers_visible(self, now) -> bool:
        """Whether the learner may now see the expected answers and the reasoning of the steps they finished.

        Practice shows them after each step, and so does an educator's preview. An exam shows them once
        the attempt is over, and then only when the quiz's review setting allows.
        """
        if self.behaviour.feedback_after_each_step or self.is_preview:
            return True
        if not self.is_finished:
            return False
        match self.quiz.review_after:
            case Quiz.ReviewAfter.ATTEMPT:
                return True
            case Quiz.ReviewAfter.CLOSE:
                return self.quiz.closes_at is not None and now >= self.quiz.closes_at
        return False


class StepAttempt(models.Model):
    """A learner's work on one step: how many tries they used and when the step was committed."""

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="step_attempts")
    step = models.ForeignKey(Step, on_delete=models.PROTECT, related_name="step_attempts")
    tries_used = models.PositiveSmallIntegerField(default=0)
    committed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["attempt", "step__position"]
        constraints = [models.UniqueConstraint(fields=["attempt", "step"], name="step_attempt_unique")]

    def __str__(self):
        return f"{self.attempt} · {self.step}"

    @property
    def is_committed(self) -> bool:
        return self.committed_at is not None


class Response(models.Model):
    """One try at one question: the raw answer as given, and its grade as computed then."""

    step_attempt = models.ForeignKey(StepAttempt, on_delete=models.CASCADE, related_name="responses")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="responses")
    try_number = models.PositiveSmallIntegerField()
    raw = models.JSONField(help_text="The learner's answer as given: option keys, coordinates, text.")
    fraction = models.FloatField(help_text="The grader's score for this try, 0 to 1, before any penalty.")
    state = models.CharField(max_length=30)
    credits = models.JSONField(default=list, help_text="What earned or lost credit, from the grader.")
    grader_version = models.PositiveSmallIntegerField()
    certainty = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        choices=[(level.value, level.label) for level in Certainty],
        help_text="Certainty-based marking: how sure the learner said they were (1 low, 2 medium, 3 high, as "
        "Moodle's C=1 to 3). Empty under other rules.",
    )
    submitted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["step_attempt", "question__position", "try_number"]
        constraints = [
            models.UniqueConstraint(fields=["step_attempt", "question", "try_number"], name="response_unique_try"),
        ]

    def __str__(self):
        return f"{self.question} try {self.try_number}: {self.fraction:.2f}"


class KeyChange(models.Model):
    """A change to the key of a question learners had already answered: who, when, what, and its regrade."""

    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="key_changes")
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name="changed by"
    )
    changed_at = models.DateTimeField("changed", auto_now_add=True)
    before = models.JSONField("key before")
    after = models.JSONField("key after")
    responses_affected = models.PositiveIntegerField("learners' answers affected")
    regraded_at = models.DateTimeField("regraded", null=True, blank=True)
    regraded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    grades_changed = models.PositiveIntegerField("grades changed by the regrade", null=True, blank=True)

    class Meta:
        ordering = ["-changed_at"]
        verbose_name = "key change"
        verbose_name_plural = "key changes"

    def __str__(self):
        return f"Key of {self.question} changed {self.changed_at:%Y-%m-%d %H:%M}"
