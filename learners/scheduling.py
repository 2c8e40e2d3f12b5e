"""Spaced review with FSRS (the ``fsrs`` package): the scheduler and how a grade becomes a rating.

The scheduler keeps FSRS's default model: its 21 default parameters, desired retention 0.9 and maximum
interval. Two of its settings are changed, for reasons of this site rather than of the model:

- No learning or relearning steps. FSRS's defaults (1 and 10 minutes) suit flashcards drilled in one
  sitting; here a review is a case question asked on the day it falls due, at most once a day. Without
  steps FSRS schedules in whole days from the first rating (e.g. Good on a new key point: in 2 days).
- No fuzzing. Fuzz spreads a large deck's due dates at random; a learner here has a few dozen key
  points, and a date that can be told in advance (and tested) is worth more than the spread.
"""

from datetime import datetime

from fsrs import Card, Rating, Scheduler

SCHEDULER = Scheduler(learning_steps=(), relearning_steps=(), enable_fuzzing=False)


def rating_for(fraction: float) -> Rating:
    """The FSRS rating a stored grade (its fraction, 0 to 1) stands for.

    - All right (fraction 1): Good. The learner recalled the reasoning; FSRS's "Good" is the normal
      successful recall.
    - Partly right (between 0 and 1): Hard. Something was recalled, with serious gaps: a recall, so the
      interval still grows, but less.
    - Nothing right (0): Again. The reasoning was not recalled: the key point comes back the next day.

    Easy is never given. A grade says whether the answer was right, not how effortless it was, and
    answer time on a phone measures the network and the reading as much as the recall; guessing "Easy"
    from it would push key points out by weeks on weak evidence.
    """
    if fraction >= 1 - 1e-9:
        return Rating.Good
    if fraction > 1e-9:
        return Rating.Hard
    return Rating.Again


def first_card(rating: Rating, at: datetime) -> Card:
    """A new key point's card, after its first rating (from the attempt that scored it) at ``at``."""
    card, _ = SCHEDULER.review_card(Card(due=at), rating, at)
    return card


def next_card(card: dict, rating: Rating, at: datetime) -> Card:
    """The card (stored as ``Card.to_dict()``) after another review at ``at``."""
    card, _ = SCHEDULER.review_card(Card.from_dict(card), rating, at)
    return card
