"""Item-writing checks: what an experienced item writer would point out in a question, for the educator.

Each rule is one small function, registered with what it checks (``title``), why it matters (``why``)
and an example of a fix (``fix``); it returns one message per problem it finds in a question. The rules
never block saving: the admin lists their warnings on the question's page and on the quiz's "item
quality" page (``quiz.admin``).

The first rules are technical flaws of multiple-choice items, after the NBME's item-writing guide
(Case & Swanson, *Constructing Written Test Questions for the Basic and Clinical Sciences*): cues that
let a test-wise learner find the answer without knowing it (a long right option, absolute terms, a word
of the question repeated in the right option) and wording that makes a question hard for reasons that
have nothing to do with the subject ("none of the above", a negative question read past). Their wording
here is ours, from the guide's list of flaws as tabulated in "Technical flaws in multiple-choice
questions in the access exam to medical specialties (examen MIR) in Spain (2009-2013)", BMC Medical
Education 2016, doi:10.1186/s12909-016-0559-7. The others are this site's own: a hint must not give
the answer, every option needs feedback, and a question's key points (quoted back as feedback) must
neither be another step's reasoning nor quote a part of the case the learner has not reached.

Two layers: the rules read plain data (``Item``, ``Choice``, ``Point``, ``CasePart``) and know nothing
of Django; ``question_warnings`` and ``quiz_warnings`` load that data from the models.
"""

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from django.db.models import Prefetch

from quiz.grading import free_text, hotspot, matching, multiple_response, multiple_true_false, single_best
from quiz.models import Question, Quiz, Step

# --- thresholds ------------------------------------------------------------------------------------

#: A right option is "much longer" when it is at least this many times the mean length of the wrong ones...
LONG_OPTION_RATIO = 1.5
#: ...and at least this many characters longer than that mean (so short options differing by a word pass).
LONG_OPTION_EXTRA_CHARACTERS = 20
#: A hint gives the answer when it holds at least this share of the right answer's words (ignoring small words,
#: and words the answer shares with the question or with a wrong option).
HINT_ANSWER_WORD_SHARE = 0.6
#: Words shorter than this are not compared (articles, "is", "of"...).
MIN_WORD_LENGTH = 3

# Terms that make a statement absolute: options carrying them are easy to rule out.
ABSOLUTE_TERMS = (
    "always",
    "never",
    "reliably",
    "invariably",
    "completely",
    "entirely",
    "absolutely",
    "certainly",
    "definitely",
    "guarantees",
    "exclude",
    "excludes",
    "rules out",
    "impossible",
    "must",
)
# Words that turn a question round ("Which is NOT...?"), and contractions such as "doesn't".
NEGATIVE_TERMS = ("not", "except", "least", "cannot", "never", "incorrect", "untrue")
NEGATIVE_CONTRACTION = r"\w+n[’']t"
# "All of the above", "None of these", "Both of the above"...
OF_THE_ABOVE = re.compile(
    r"\b(?:all|none|both|neither)\s+(?:of\s+)?(?:the\s+above|these|those|them|the\s+(?:options|answers))\b",
    re.IGNORECASE,
)
SELECT_ALL = re.compile(r"\b(?:select|choose|tick|mark)\s+(?:all|every(?:thing)?)\s+that\s+appl(?:y|ies)\b", re.I)

# Small words that carry no content, left out when comparing the words of two texts.
STOPWORDS = frozenset(
    """
    a about above after again against all also am an and any are as at be because been before being below
    between both but by can could did do does doing down during each few for from further had has have having
    he her here hers herself him himself his how i if in into is it its itself just me more most my myself
    no nor not of off on once only or other others our ours ourselves out over own same she should so some
    such than that the their theirs them themselves then there these they this those through to too under
    until up very was we were what when where which while who whom why will with would you your yours
    following best likely most least true false select choose tick apply applies answer answers option
    options statement statements question
    """.split()
)

SINGLE_BEST, MULTIPLE_RESPONSE, MULTIPLE_TRUE_FALSE = single_best.KIND, multiple_response.KIND, multiple_true_false.KIND
MATCHING, HOTSPOT, FREE_TEXT = matching.KIND, hotspot.KIND, free_text.KIND
# Kinds whose options are answers the learner picks (one or several), where option wording cues the answer.
CHOICE_KINDS = frozenset({SINGLE_BEST, MULTIPLE_RESPONSE})


# --- the data the rules read ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Choice:
    """An option, statement, zone or accepted answer, as the rules see it."""

    key: str
    text: str
    #: Whether it is (part of) the right answer; None for kinds where an option is neither (matching, ordering).
    right: bool | None
    feedback: str = ""
    #: Whether learners who choose it should be told why (options, statements, matching stems, zones).
    needs_feedback: bool = False
    #: The key points linked to this choice (quoted back with its feedback).
    key_points: tuple["Point", ...] = ()


@dataclass(frozen=True)
class Point:
    """A key point of the case: its short name and the sentence(s) it quotes from the report."""

    key: str
    quote: str


@dataclass(frozen=True)
class CasePart:
    """A section or figure of the case: its text, and the first step that reveals it (None: no step does)."""

    label: str
    text: str
    revealed_at: int | None


@dataclass(frozen=True)
class Item:
    """One question, as the rules see it."""

    id: int
    kind: str
    prompt: str
    hint: str = ""
    choices: tuple[Choice, ...] = ()
    #: The question's own key points: the published reasoning behind it.
    key_points: tuple[Point, ...] = ()
    step_position: int = 1
    position: int = 1

    @property
    def right(self) -> list[Choice]:
        return [c for c in self.choices if c.right]

    @property
    def wrong(self) -> list[Choice]:
        return [c for c in self.choices if c.right is False]

    @property
    def all_points(self) -> list[Point]:
        """Every key point the question quotes back as feedback: its own, and its options', zones' or answers'."""
        points = {p.key: p for p in self.key_points}
        for choice in self.choices:
            for point in choice.key_points:
                points.setdefault(point.key, point)
        return list(points.values())

    @property
    def label(self) -> str:
        return f"step {self.step_position}, question {self.position}"


@dataclass(frozen=True)
class ItemWarning:
    """One problem found in one question."""

    rule: str  # stable code, e.g. "long-right-option"
    title: str  # the rule in a few words
    message: str  # what is wrong in this question
    why: str  # the rule in one sentence
    fix: str  # an example of a fix


# --- the registry ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    code: str
    title: str
    why: str
    fix: str
    check: Callable
    #: The question kinds the rule reads; empty for every kind.
    kinds: frozenset[str] = field(default_factory=frozenset)

    def applies_to(self, kind: str) -> bool:
        return not self.kinds or kind in self.kinds

    def warning(self, message: str) -> ItemWarning:
        return ItemWarning(rule=self.code, title=self.title, message=message, why=self.why, fix=self.fix)


#: Rules that read one question: ``check(item) -> [message, ...]``.
QUESTION_RULES: list[Rule] = []
#: Rules that read the whole quiz: ``check(items, parts) -> [(item id, message), ...]``.
QUIZ_RULES: list[Rule] = []


def question_rule(code: str, *, title: str, why: str, fix: str, kinds: Iterable[str] = ()):
    def register(check):
        QUESTION_RULES.append(Rule(code, title, why, fix, check, frozenset(kinds)))
        return check

    return register


def quiz_rule(code: str, *, title: str, why: str, fix: str):
    def register(check):
        QUIZ_RULES.append(Rule(code, title, why, fix, check))
        return check

    return register


def all_rules() -> list[Rule]:
    return [*QUESTION_RULES, *QUIZ_RULES]


# --- reading text ------------------------------------------------------------------------------------------

_CITATION = re.compile(r"<sup>.*?</sup>", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[^>]+>")
_MARKUP = re.compile(r"[*_`#>]")
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
_SENTENCE_END = re.compile(r"(?<=[.?!])\s+")
_EMPHASIS = re.compile(
    r"\*\*(.+?)\*\*|__(.+?)__|\*(.+?)\*|(?<!\w)_(.+?)_(?!\w)|<(strong|em|b|i)>(.*?)</\5>", re.IGNORECASE | re.DOTALL
)


def plain(text: str) -> str:
    """The text as read: no citation numbers, tags or Markdown marks, spaces collapsed."""
    text = _TAG.sub("", _CITATION.sub("", text or ""))
    return " ".join(_MARKUP.sub("", text).split())


def stem(word: str) -> str:
    """A crude stem, enough to match 'nodule' with 'nodules' (not 'painless' with 'painful')."""
    word = word.lower().replace("’", "'")
    word = word.removesuffix("'s")
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "is", "us")):
        return word[:-1]
    return word


def content_words(text: str) -> dict[str, str]:
    """The text's words that carry content, by stem: {stem: the word as written first}."""
    words: dict[str, str] = {}
    for word in _WORD.findall(plain(text)):
        if len(word) >= MIN_WORD_LENGTH and word.lower() not in STOPWORDS:
            words.setdefault(stem(word), word)
    return words


def lead_in(prompt: str) -> str:
    """The question the learner answers: the prompt's last sentence ending in '?', else its last sentence.

    Markdown marks are kept, so that emphasis can be seen.
    """
    sentences = [s for s in _SENTENCE_END.split(" ".join((prompt or "").split())) if s]
    asked = [s for s in sentences if s.rstrip("*_ ").endswith("?")]
    return (asked or sentences or [""])[-1]


def found_terms(text: str, terms: Iterable[str]) -> list[str]:
    text = plain(text)
    return [t for t in terms if re.search(rf"\b{re.escape(t)}\b", text, re.IGNORECASE)]


def length(choice: Choice) -> int:
    return len(plain(choice.text))


def named(choice: Choice) -> str:
    text = plain(choice.text)
    return f"“{text if len(text) <= 60 else text[:59] + '…'}”"


def and_list(items: Sequence[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


# --- rules about one question --------------------------------------------------------------------------------


@question_rule(
    "long-right-option",
    title="The right option is much longer than the others",
    why="Writers add detail to the right answer until it is exactly true, so a test-wise learner picks the "
    "longest option without knowing the subject.",
    fix="Make the options alike in length and detail: “Dystrophic” beside “Metastatic” and “Idiopathic”, or "
    "give every option the same detail (“Metastatic, from raised calcium or phosphate”).",
    kinds=CHOICE_KINDS,
)
def long_right_option(item: Item) -> list[str]:
    wrong = item.wrong
    if not wrong:
        return []
    mean = sum(length(c) for c in wrong) / len(wrong)
    long = [
        f"{named(c)} ({length(c)} characters)"
        for c in item.right
        if length(c) >= LONG_OPTION_RATIO * mean and length(c) - mean >= LONG_OPTION_EXTRA_CHARACTERS
    ]
    if not long:
        return []
    which = "right option" if len(long) == 1 else "right options"
    verb = "is" if len(long) == 1 else "are"
    return [f"The {which} {and_list(long)} {verb} much longer than the wrong ones ({mean:.0f} characters on average)."]


@question_rule(
    "absolute-terms",
    title="Absolute terms only in wrong options",
    why="Learners know that words such as “always”, “never” or “reliably” make a statement easy to refute, so "
    "they rule out the options carrying them without knowing the subject.",
    fix="Word the wrong option without the absolute (“Diltiazem clears the deposits”, not “Diltiazem reliably "
    "clears the deposits”), or use such terms in right options too.",
    kinds={SINGLE_BEST, MULTIPLE_RESPONSE, MULTIPLE_TRUE_FALSE},
)
def absolute_terms(item: Item) -> list[str]:
    if any(found_terms(c.text, ABSOLUTE_TERMS) for c in item.right):
        return []
    flagged = [(c, found_terms(c.text, ABSOLUTE_TERMS)) for c in item.wrong]
    described = [f"{named(c)} (“{'”, “'.join(terms)}”)" for c, terms in flagged if terms]
    if not described:
        return []
    what = "false statements" if item.kind == MULTIPLE_TRUE_FALSE else "wrong options"
    return [f"Absolute terms appear only in {what}: {and_list(described)}."]


@question_rule(
    "all-or-none-of-the-above",
    title="“All of the above” or “None of the above”",
    why="“All of the above” is found by spotting two right options, and “None of the above” rewards knowing "
    "what is wrong rather than what is right: both make a best-answer question a set of true/false "
    "judgements.",
    fix="Replace it with a specific option of the same kind as the others (another plausible diagnosis); if "
    "several options are right, ask a multiple response question.",
    kinds=CHOICE_KINDS,
)
def all_or_none_of_the_above(item: Item) -> list[str]:
    return [f"Option {named(c)} stands for the other options." for c in item.choices if OF_THE_ABOVE.search(c.text)]


@question_rule(
    "lead-in-word-in-right-option",
    title="A word of the question is repeated only in the right option",
    why="When a word of the question comes back in the right option and in no wrong one, learners can match "
    "words instead of reasoning.",
    fix="Reword the right option without the repeated word, or let wrong options use it too: if the question "
    "asks about the radiographs, not only the right option should mention them.",
    kinds=CHOICE_KINDS,
)
def lead_in_word_in_right_option(item: Item) -> list[str]:
    asked = content_words(lead_in(item.prompt))
    in_wrong = set().union(*(content_words(c.text) for c in item.wrong)) if item.wrong else set()
    messages = []
    for choice in item.right:
        repeated = [asked[s] for s in content_words(choice.text) if s in asked and s not in in_wrong]
        if repeated:
            words = and_list([f"“{w}”" for w in repeated])
            messages.append(f"{words} of the question comes back in the right option {named(choice)} only.")
    return messages


@question_rule(
    "negative-lead-in",
    title="Negative question without emphasis",
    why="A “not” or “except” read past in a hurry turns the question round, so learners who know the subject "
    "answer wrongly: the difficulty is in the reading, not in the subject.",
    fix="Ask positively (“Which finding supports…?”); where the negative is needed, make it stand out in "
    "capitals or bold: “Which finding does NOT support…?”.",
)
def negative_lead_in(item: Item) -> list[str]:
    question = lead_in(item.prompt)
    emphasised = [(m.start(), m.end()) for m in _EMPHASIS.finditer(question)]
    pattern = r"\b(?:" + "|".join(NEGATIVE_TERMS) + "|" + NEGATIVE_CONTRACTION + r")\b"
    quiet = [
        m.group()
        for m in re.finditer(pattern, question, re.IGNORECASE)
        if not m.group().isupper() and not any(start <= m.start() < end for start, end in emphasised)
    ]
    if not quiet:
        return []
    return [f"The question “{plain(question)}” turns on “{quiet[0]}”, which does not stand out."]


@question_rule(
    "select-all-with-one-right-option",
    title="“Select all that apply” with one right option",
    why="Asking learners to select all that apply when only one option is right leads them to tick more than "
    "they believe; a question with one right option is a single best answer question.",
    fix="Make it a single best answer question, or add a second right option that the case supports.",
    kinds=CHOICE_KINDS,
)
def select_all_with_one_right_option(item: Item) -> list[str]:
    asks_for_all = item.kind == MULTIPLE_RESPONSE or SELECT_ALL.search(plain(item.prompt))
    if asks_for_all and len(item.right) == 1:
        return [f"Learners are asked to select all that apply, and only {named(item.right[0])} is right."]
    return []


@question_rule(
    "hint-gives-answer",
    title="The hint gives the answer",
    why="A hint should point learners to where to look; one that holds the words of the right answer gives it "
    "away, and the next try measures reading the hint rather than reasoning.",
    fix="Point to the evidence, not to the answer: “Read the examination again: were the nodules painful?”, "
    "not “The nodules were painless.”",
    kinds={SINGLE_BEST, MULTIPLE_RESPONSE, FREE_TEXT},
)
def hint_gives_answer(item: Item) -> list[str]:
    hinted = content_words(item.hint)
    if not hinted:
        return []
    # Words the right answer shares with the question or with wrong options do not single it out.
    common = set(content_words(lead_in(item.prompt))).union(*(content_words(c.text) for c in item.wrong))
    messages = []
    for choice in item.right:
        words = {s: w for s, w in content_words(choice.text).items() if s not in common}
        shared = [w for s, w in words.items() if s in hinted]
        if words and len(shared) / len(words) >= HINT_ANSWER_WORD_SHARE:
            listed = and_list([f"“{w}”" for w in shared])
            messages.append(f"The hint holds {listed}: the words that single out the right answer {named(choice)}.")
    return messages


@question_rule(
    "option-without-feedback",
    title="An option without feedback",
    why="Learners who choose an option need to hear why it is right or wrong; an option without feedback "
    "leaves a wrong choice unexplained.",
    fix="Add a sentence saying why, from the case: “No: the report describes the nodules as painless.”",
)
def option_without_feedback(item: Item) -> list[str]:
    silent = [named(c) for c in item.choices if c.needs_feedback and not plain(c.feedback)]
    if not silent:
        return []
    return [f"No feedback on {and_list(silent)}."]


# --- rules about the whole quiz -------------------------------------------------------------------------------


@quiz_rule(
    "key-point-in-several-steps",
    title="A key point behind questions of more than one step",
    why="When one key point is the reasoning behind questions of different steps, the feedback of the earlier "
    "step gives the later question's answer away, and the same point is scored twice.",
    fix="Link the later question to the key point that is its own reasoning, or ask both questions in one step.",
)
def key_point_in_several_steps(items: Sequence[Item], parts: Sequence[CasePart]) -> list[tuple[int, str]]:
    first_use: dict[str, Item] = {}
    for item in sorted(items, key=lambda i: (i.step_position, i.position)):
        for point in item.key_points:
            first_use.setdefault(point.key, item)
    found = []
    for item in items:
        earlier = [
            f"“{p.key}” ({first_use[p.key].label})"
            for p in item.key_points
            if first_use[p.key].step_position < item.step_position
        ]
        if earlier:
            points = "Its key point" if len(earlier) == 1 else "Its key points"
            found.append((item.id, f"{points} {and_list(earlier)} already explained a question of an earlier step."))
    return found


def quote_fragments(quote: str) -> list[str]:
    """The pieces of a key point's quote to look for: it joins sentences that are not next to each other with '…'."""
    pieces = re.split(r"\s*(?:…|\.\.\.)\s*", plain(quote))
    return [normalised(p).rstrip(".") for p in pieces if len(p.strip()) > MIN_WORD_LENGTH]


def normalised(text: str) -> str:
    return " ".join(plain(text).replace("’", "'").casefold().split())


@quiz_rule(
    "quote-not-revealed",
    title="A key point quotes a part of the case not yet shown",
    why="Feedback quotes the key point's sentence, so a quote from a part of the case that this step and the "
    "earlier ones have not revealed shows learners what they are meant to find later (and, in an exam, what "
    "the case keeps back).",
    fix="Reveal that section or figure in this step or an earlier one, or link a key point whose quote comes "
    "from what learners have been shown.",
)
def quote_not_revealed(items: Sequence[Item], parts: Sequence[CasePart]) -> list[tuple[int, str]]:
    texts = [(part, normalised(part.text)) for part in parts]
    found = []
    for item in items:
        hidden: dict[str, list[str]] = {}
        for point in item.all_points:
            for fragment in quote_fragments(point.quote):
                holding = [part for part, text in texts if fragment in text]
                shown = any(p.revealed_at is not None and p.revealed_at <= item.step_position for p in holding)
                if holding and not shown:
                    for part in holding:
                        when = f"revealed in step {part.revealed_at}" if part.revealed_at else "revealed by no step"
                        described = f"{part.label} ({when})"
                        if described not in hidden.setdefault(point.key, []):
                            hidden[point.key].append(described)
        if hidden:
            listed = and_list([f"“{key}” quotes {and_list(where)}" for key, where in hidden.items()])
            found.append((item.id, f"Its feedback quotes what this step has not shown: {listed}."))
    return found


# --- running the rules -----------------------------------------------------------------------------------------


def check_item(item: Item) -> list[ItemWarning]:
    """The warnings of the rules about one question."""
    return [rule.warning(m) for rule in QUESTION_RULES if rule.applies_to(item.kind) for m in rule.check(item)]


def check_items(items: Sequence[Item], parts: Sequence[CasePart]) -> dict[int, list[ItemWarning]]:
    """Every question's warnings, by item id: its own rules', then the quiz rules' about it."""
    found = {item.id: check_item(item) for item in items}
    for rule in QUIZ_RULES:
        for item_id, message in rule.check(items, parts):
            found[item_id].append(rule.warning(message))
    return found


# --- loading the data from the models --------------------------------------------------------------------------


def _points(rows) -> tuple[Point, ...]:
    return tuple(Point(p.key, p.quote) for p in rows.all())


def _choices(question: Question) -> tuple[Choice, ...]:
    kind = question.kind
    if kind == HOTSPOT:
        return tuple(Choice(z.key, z.label, z.correct, z.feedback, True, _points(z.key_points))
                     for z in question.zones.all())  # fmt: skip
    if kind == FREE_TEXT:
        return tuple(Choice(a.key, a.text, a.fraction >= 1, a.feedback, False, _points(a.key_points))
                     for a in question.accepted_answers.all())  # fmt: skip
    options = sorted(question.options.all(), key=lambda o: o.position)
    best = max((o.weight for o in options), default=0)
    choices = []
    for option in options:
        if kind == SINGLE_BEST:
            right, needs_feedback = best > 0 and option.weight == best, True
        elif kind == MULTIPLE_RESPONSE:
            right, needs_feedback = option.weight > 0, True
        elif kind == MULTIPLE_TRUE_FALSE:
            right, needs_feedback = bool(option.is_true), True
        elif kind == MATCHING:  # only the stems are answered; the choices are what they are matched with
            right, needs_feedback = None, bool(option.match_key)
        else:  # ordering: items are put in order, not chosen
            right, needs_feedback = None, False
        choices.append(Choice(option.key, option.text, right, option.feedback, needs_feedback,
                              _points(option.key_points)))  # fmt: skip
    return tuple(choices)


def _item(question: Question, step: Step) -> Item:
    return Item(
        id=question.pk,
        kind=question.kind,
        prompt=question.prompt,
        hint=question.hint,
        choices=_choices(question),
        key_points=_points(question.key_points),
        step_position=step.position,
        position=question.position,
    )


def _questions():
    return Question.objects.order_by("position").prefetch_related(
        "key_points", "options__key_points", "zones__key_points", "accepted_answers__key_points"
    )


def _load(quiz: Quiz) -> tuple[list[Step], list[CasePart]]:
    steps = list(
        quiz.steps.order_by("position").prefetch_related(
            "reveals_sections", "reveals_figures", Prefetch("questions", queryset=_questions())
        )
    )
    # Withdrawn steps count as revealing, as they do for learners' pages (quiz.selectors.revealed_content).
    first_reveal: dict[tuple[str, int], int] = {}
    for step in steps:
        for section in step.reveals_sections.all():
            first_reveal.setdefault(("section", section.pk), step.position)
        for figure in step.reveals_figures.all():
            first_reveal.setdefault(("figure", figure.pk), step.position)
    parts = [
        CasePart(f"the section “{s.heading}”", s.body, first_reveal.get(("section", s.pk)))
        for s in quiz.case.sections.all()
    ] + [
        CasePart(f"the caption of figure {f.label}", f.caption, first_reveal.get(("figure", f.pk)))
        for f in quiz.case.figures.all()
    ]
    return steps, parts


def _asked(steps: Sequence[Step]) -> list[tuple[Step, Question]]:
    return [(s, q) for s in steps if not s.withdrawn for q in s.questions.all() if not q.withdrawn]


@dataclass
class QuestionReport:
    question: Question
    warnings: list[ItemWarning]


@dataclass
class StepReport:
    step: Step
    questions: list[QuestionReport]


def quiz_warnings(quiz: Quiz) -> list[StepReport]:
    """Every warning of the quiz's questions still asked, by step and question (only those with warnings)."""
    steps, parts = _load(quiz)
    asked = _asked(steps)
    found = check_items([_item(q, s) for s, q in asked], parts)
    reports: list[StepReport] = []
    by_step: dict[int, list[QuestionReport]] = defaultdict(list)
    for step, question in asked:
        if found[question.pk]:
            by_step[step.pk].append(QuestionReport(question, found[question.pk]))
    for step in steps:
        if by_step[step.pk]:
            reports.append(StepReport(step, by_step[step.pk]))
    return reports


def question_warnings(question: Question) -> list[ItemWarning]:
    """The warnings of one question: its own rules', and the quiz rules' about it among the questions asked."""
    if not question.pk:
        return []
    steps, parts = _load(question.step.quiz)
    pairs = _asked(steps)
    if all(q.pk != question.pk for _, q in pairs):  # a withdrawn question is still checked on its own page
        pairs += [(s, q) for s in steps for q in s.questions.all() if q.pk == question.pk]
    return check_items([_item(q, s) for s, q in pairs], parts)[question.pk]
