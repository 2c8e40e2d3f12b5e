"""Short free-text answer: the learner types a word or phrase, compared with the educator's accepted answers.

The rule in words
    The educator lists accepted answers, each worth a fraction of the marks (synonyms are simply
    further accepted answers; a tempting wrong answer can be listed at 0%). The learner's text and
    every accepted answer are normalised in the same way (see ``normalise``) and compared:

    1. If the text equals one or more accepted answers, the learner gets the best fraction among them.
    2. Otherwise, if the question tolerates typos, an answer counts as matched when the text is within
       a small Damerau-Levenshtein distance of it: 1 slip for answers of 4 to 7 characters, 2 slips
       for 8 characters or more, none for shorter answers (lengths are of the normalised answer). A
       slip is one letter added, dropped, changed, or two neighbours swapped. The closest answer wins,
       and between equally close answers the better fraction. Exact matches always win over near ones,
       so listing "hypocalcaemia" at 0% stops it being accepted as a slip for "hypercalcaemia".
    3. Otherwise the answer scores 0%. Empty text (or only punctuation and spaces) is incomplete.

Normalisation (applied to both sides, so it can only make texts equal, never tell them apart)
    - the ligatures ae and oe written as single letters become two letters;
    - Unicode NFKD, with accents removed (cafe = café); case folded (so capitals never matter);
    - apostrophes removed, so "Crohn's" = "Crohns" (the one exception to the next rule);
    - all other punctuation becomes a space, and runs of spaces collapse to one;
    - British and American spelling fold to one form, word by word:
        ae -> e and oe -> e when a letter follows: haemorrhage = hemorrhage, hypercalcaemia =
            hypercalcemia, oedema = edema, diarrhoea = diarrhea (word-final "toe" is left alone);
        -our -> -or: tumour = tumor (also -ours, -oured, -ouring, -ourless, -ourful, -ourable, -ourite, -oural);
        -ise -> -ize, -isation -> -ization: immunise = immunize (also -ises, -ised, -ising, -iser);
        -yse -> -yze: analyse = analyze, haemolysed = hemolyzed;
        -tre -> -ter, -bre -> -ber: centre = center, litre = liter, fibre = fiber (also plurals, centred);
        -ogue -> -og: catalogue = catalog, analogue = analog;
        plus two common in prescribing: sulph -> sulf (sulphasalazine = sulfasalazine) and
        -euvre -> -euver (manoeuvre = maneuver).
      An ending is only changed when at least two letters come before it, so short words such as
      "four", "hour" and "rise" are left alone. The folded form is only for comparing, never for
      showing: it is sometimes not a word ("raised" folds to "raized") and can occasionally merge two
      unrelated words ("does" and "des"); since both sides fold alike, that is harmless.

Where it comes from
    Moodle's Short answer question compares the response with each answer in turn (optionally
    ignoring case, with * as a wildcard), gives the grade of the first answer that matches, and will
    not save a question unless one answer is worth 100%. Here the best match wins instead of the first,
    so the order of the answers never matters, and there are no wildcards. Moodle's core type has no
    typo tolerance; forgiving one slip is the kind of option offered by add-ons such as the Open
    University's Pattern-match question type. The length thresholds are this project's choice.

Authoring checks: at least one accepted answer, at least one worth 100%, fractions between 0% and
100%, unique keys, and no answer that is empty once normalised.
"""

import re
import unicodedata
from dataclasses import dataclass

from .base import EPSILON, Credit, Grade, Outcome, duplicates, graded, incomplete, is_key, is_number, percent

__all__ = [
    "KIND",
    "VERSION",
    "AcceptedAnswer",
    "FreeTextKey",
    "damerau_levenshtein",
    "grade",
    "normalise",
    "slips_allowed",
    "validate",
]

KIND = "free_text"
VERSION = 2  # 2: credits carry an outcome code

_LIGATURES = str.maketrans({"æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE"})
_APOSTROPHES = str.maketrans({"'": None, "\u2019": None, "\u2018": None, "\u02bc": None})
_AE_OE = re.compile(r"[ao]e(?=[a-z])")

# British ending -> American ending. Tried longest first; one ending is changed per word at most.
_ENDINGS: tuple[tuple[str, str], ...] = tuple(
    sorted(
        [
            ("our", "or"),
            ("ours", "ors"),
            ("oured", "ored"),
            ("ouring", "oring"),
            ("ourless", "orless"),
            ("ourful", "orful"),
            ("ourable", "orable"),
            ("ourite", "orite"),
            ("ourites", "orites"),
            ("oural", "oral"),
            ("ise", "ize"),
            ("ises", "izes"),
            ("ised", "ized"),
            ("ising", "izing"),
            ("iser", "izer"),
            ("isers", "izers"),
            ("isation", "ization"),
            ("isations", "izations"),
            ("isational", "izational"),
            ("yse", "yze"),
            ("yses", "yzes"),
            ("ysed", "yzed"),
            ("ysing", "yzing"),
            ("yser", "yzer"),
            ("tre", "ter"),
            ("tres", "ters"),
            ("tred", "tered"),
            ("bre", "ber"),
            ("bres", "bers"),
            ("ogue", "og"),
            ("ogues", "ogs"),
            ("euvre", "euver"),
            ("euvres", "euvers"),
        ],
        key=lambda pair: len(pair[0]),
        reverse=True,
    )
)


@dataclass(frozen=True)
class AcceptedAnswer:
    """One accepted answer: a stable key, the text, and the fraction of the marks it earns (0..1)."""

    key: str
    text: str
    fraction: float


@dataclass(frozen=True)
class FreeTextKey:
    """The accepted answers (in any order) and whether small spelling slips are forgiven."""

    answers: tuple[AcceptedAnswer, ...]
    typo_tolerance: bool


def normalise(text: str) -> str:
    """The form in which answers are compared (see the module docstring for every rule)."""
    text = text.translate(_LIGATURES)
    text = unicodedata.normalize("NFKD", text)
    text = "".join(character for character in text if not unicodedata.combining(character))
    text = text.casefold().translate(_APOSTROPHES)
    text = "".join(" " if unicodedata.category(character).startswith("P") else character for character in text)
    return " ".join(_fold_spelling(word) for word in text.split())


def _fold_spelling(word: str) -> str:
    """One word with British spellings replaced by American ones."""
    word = _AE_OE.sub("e", word)
    word = word.replace("sulph", "sulf")
    for british, american in _ENDINGS:
        if word.endswith(british) and len(word) - len(british) >= 2:
            return word[: -len(british)] + american
    return word


def slips_allowed(length: int) -> int:
    """How many slips are forgiven in an answer of this normalised length: 0 below 4, 1 up to 7, then 2."""
    if length < 4:
        return 0
    if length < 8:
        return 1
    return 2


def damerau_levenshtein(first: str, second: str) -> int:
    """Edits (insert, delete, substitute, swap two neighbours) turning one text into the other.

    This is the common "optimal string alignment" form, in which no part of the text is edited twice.
    """
    before_previous: list[int] = []
    previous = list(range(len(second) + 1))
    for i in range(1, len(first) + 1):
        current = [i] + [0] * len(second)
        for j in range(1, len(second) + 1):
            cost = 0 if first[i - 1] == second[j - 1] else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and first[i - 1] == second[j - 2] and first[i - 2] == second[j - 1]:
                current[j] = min(current[j], before_previous[j - 2] + 1)
        before_previous, previous = previous, current
    return previous[len(second)]


def validate(key: FreeTextKey) -> list[str]:
    """Problems an educator must fix; an empty list means the key can be used."""
    if not isinstance(key, FreeTextKey):
        return ["This is not a short answer key."]
    answers = tuple(key.answers)
    problems: list[str] = []
    if not answers:
        problems.append("Add at least one accepted answer.")
    for position, answer in enumerate(answers, start=1):
        if not isinstance(answer, AcceptedAnswer):
            problems.append(f"Answer {position} is not an accepted answer (it needs a key, a text and a fraction).")
            continue
        name = f"Accepted answer '{answer.key}'" if is_key(answer.key) else f"Accepted answer {position}"
        if not is_key(answer.key):
            problems.append(f"Accepted answer {position} needs a key (a short name such as 'a1').")
        if not isinstance(answer.text, str) or not normalise(answer.text):
            problems.append(f"{name} is empty once punctuation and spacing are ignored; give it some words.")
        if not is_number(answer.fraction):
            problems.append(f"{name} needs a fraction given as a number between 0% and 100%.")
        elif not 0.0 <= answer.fraction <= 1.0:
            problems.append(f"{name} is worth {percent(answer.fraction)}; fractions must be between 0% and 100%.")
    full_marks = [
        answer
        for answer in answers
        if isinstance(answer, AcceptedAnswer) and is_number(answer.fraction) and abs(answer.fraction - 1.0) <= EPSILON
    ]
    if not full_marks:
        problems.append(
            "Give at least one accepted answer a fraction of 100%; otherwise no learner can get full marks."
        )
    keys = [answer.key for answer in answers if isinstance(answer, AcceptedAnswer) and is_key(answer.key)]
    for repeated in duplicates(keys):
        problems.append(f"Each accepted answer needs its own key, but '{repeated}' is used more than once.")
    if not isinstance(key.typo_tolerance, bool):
        problems.append("Say whether small spelling slips are forgiven (typo tolerance on or off).")
    return problems


def grade(key: FreeTextKey, response: object) -> Grade:
    """Compare the normalised response with the accepted answers. ``response`` is the text typed."""
    if not isinstance(response, str):
        return incomplete()
    given = normalise(response)
    if not given:
        return incomplete()
    candidates = [(answer, normalise(answer.text)) for answer in key.answers]

    exact = [answer for answer, text in candidates if text == given]
    if exact:
        best = max(exact, key=lambda answer: answer.fraction)
        credit = Credit(best.key, best.fraction, _exact_reason(best.fraction), Outcome.MATCHED_ANSWER)
        return graded(best.fraction, [credit])

    if key.typo_tolerance:
        near: list[tuple[int, float, AcceptedAnswer]] = []
        for answer, text in candidates:
            allowed = slips_allowed(len(text))
            if allowed and abs(len(text) - len(given)) <= allowed:
                distance = damerau_levenshtein(given, text)
                if distance <= allowed:
                    near.append((distance, -answer.fraction, answer))
        if near:
            _, _, best = min(near, key=lambda item: (item[0], item[1]))
            credit = Credit(best.key, best.fraction, _near_reason(best.fraction), Outcome.NEAR_ANSWER)
            return graded(best.fraction, [credit])

    return graded(0.0, [])


def _exact_reason(fraction: float) -> str:
    if fraction >= 1.0 - EPSILON:
        return "matched an accepted answer"
    if fraction <= EPSILON:
        return "matched an answer listed as wrong"
    return f"matched a partly right answer ({percent(fraction)})"


def _near_reason(fraction: float) -> str:
    if fraction >= 1.0 - EPSILON:
        return "accepted with a small spelling slip"
    if fraction <= EPSILON:
        return "close to an answer listed as wrong"
    return f"accepted with a small spelling slip (a partly right answer, {percent(fraction)})"
