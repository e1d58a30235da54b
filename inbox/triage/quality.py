"""
How well triage did on the posts people settled, pure: plain rows in, figures out.

A post is settled when a person's work says whether it needed an answer: they
decided its triage themselves (the categories too), answered it, or closed it as
needing no reply or as spam. Against that, the system's latest decision: must reply,
needs a look, or neither, and its categories.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field

from .engine import CATEGORIES
from .evaluation import Counts


@dataclass(frozen=True)
class Settled:
    post_id: int
    text: str
    # The system's latest decision.
    must_reply: bool  # must reply, a needs-a-look post not counted
    needs_look: bool
    categories: frozenset[str]
    # What people's work said.
    needed_answer: bool
    actual_categories: frozenset[str] | None = None  # None when only the need for an answer is known


@dataclass
class Quality:
    n: int = 0
    must_reply: Counts = field(default_factory=Counts)
    caught: Counts = field(default_factory=Counts)  # must reply or needs a look
    categories: dict[str, Counts] = field(default_factory=lambda: {code: Counts() for code in CATEGORIES})
    with_categories: int = 0
    misses: list[Settled] = field(default_factory=list)  # needed an answer; triage said neither
    false_alarms: list[Settled] = field(default_factory=list)  # must reply; needed none


def measure(rows: Iterable[Settled], *, listed: int = 20) -> Quality:
    quality = Quality()
    for row in rows:
        quality.n += 1
        quality.must_reply.add(row.needed_answer, row.must_reply)
        quality.caught.add(row.needed_answer, row.must_reply or row.needs_look)
        if row.needed_answer and not (row.must_reply or row.needs_look) and len(quality.misses) < listed:
            quality.misses.append(row)
        if row.must_reply and not row.needed_answer and len(quality.false_alarms) < listed:
            quality.false_alarms.append(row)
        if row.actual_categories is not None:
            quality.with_categories += 1
            for code, counts in quality.categories.items():
                counts.add(code in row.actual_categories, code in row.categories)
    return quality
