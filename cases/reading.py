"""How much of a case its reader sees now.

On its own, a case page shows the whole case. An app built on cases may narrow that for a reader: the
quiz shows only the case's beginning until the reader asks for the whole case (it gives the answers
away), and while an exam on the case is open, only what the learner's attempt has reached, with no way
into the rest. Such an app registers a *guide* when it starts (in its ``AppConfig.ready``). Cases never
imports it: the case pages ask the registered guides, and with none registered show everything.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol

from cases.models import Case


@dataclass(frozen=True)
class Reading:
    """What of one case a reader sees now, and what a guide shows around it."""

    # The sections and figures shown; None shows all of them.
    section_ids: frozenset[int] | None = None
    figure_ids: frozenset[int] | None = None
    # The reader may not open the whole case now (an exam is open).
    locked: bool = False
    # Added to links between the case's pages, to stay in the view the reader chose (e.g. "?whole=1").
    link_query: str = ""
    # A template shown above the case (a guide's call to action), rendered with ``reading`` in its context.
    panel: str = ""
    # The page for a figure the reader may not open yet (a locked reading), rendered with ``reading``,
    # ``case`` and ``figure``; a 403.
    figure_held: str = ""
    # What the guide's templates need (e.g. the quiz to start).
    context: Mapping = field(default_factory=dict)
    # Figure id -> the text alternative to use instead of the figure's own (which would describe what a
    # question is asking the reader to find).
    alt_texts: Mapping[int, str] = field(default_factory=dict)

    @property
    def whole(self) -> bool:
        return self.section_ids is None and self.figure_ids is None

    def shows_section(self, section) -> bool:
        return self.section_ids is None or section.pk in self.section_ids

    def shows_figure(self, figure) -> bool:
        return self.figure_ids is None or figure.pk in self.figure_ids


EVERYTHING = Reading()


@dataclass(frozen=True)
class Panel:
    """A template a guide shows on a case page or the list of cases, with what it needs."""

    template: str
    context: Mapping = field(default_factory=dict)


class Guide(Protocol):
    def reading(self, case: Case, *, user, session, whole_asked: bool) -> Reading | None:
        """This reader's view of the case, or None to leave it whole.

        ``whole_asked``: the reader asked for the whole case (a guide may refuse, by a locked reading).
        """

    def cases_with_hidden_keywords(self, *, user, session) -> set[int]:
        """Cases whose keywords a search must not match for this reader: they name what is still hidden."""

    def case_list_panels(self, *, user, session) -> list[Panel]:
        """What the list of cases shows this reader above the cases (e.g. work to carry on with)."""


_guides: list[Guide] = []


def register(guide: Guide) -> None:
    if guide not in _guides:
        _guides.append(guide)


def reading_for(case: Case, *, user, session, whole_asked: bool = False) -> Reading:
    for guide in _guides:
        if (reading := guide.reading(case, user=user, session=session, whole_asked=whole_asked)) is not None:
            return reading
    return EVERYTHING


def case_list_panels(*, user, session) -> list[Panel]:
    return [panel for guide in _guides for panel in guide.case_list_panels(user=user, session=session)]


def cases_with_hidden_keywords(*, user, session) -> set[int]:
    hidden: set[int] = set()
    for guide in _guides:
        hidden |= guide.cases_with_hidden_keywords(user=user, session=session)
    return hidden
