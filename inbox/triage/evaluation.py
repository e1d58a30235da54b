"""
How well the triage does on labelled posts: per-category precision, recall and F1,
and must-reply precision, recall and accuracy. Pure; `evaluate_triage` prints it.
"""

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .engine import CATEGORIES, MUST_REPLY_CATEGORIES, PostInput, Triage


class LabelledFileError(ValueError):
    """A line of the labelled file is not what evaluate_triage expects; the message gives the line."""


@dataclass(frozen=True)
class LabelledPost:
    id: str
    text: str
    language: str
    channel: str
    must_reply: bool
    categories: frozenset[str]


@dataclass
class Counts:
    true_positive: int = 0
    false_positive: int = 0
    false_negative: int = 0
    true_negative: int = 0

    def add(self, expected: bool, predicted: bool) -> None:
        if expected and predicted:
            self.true_positive += 1
        elif predicted:
            self.false_positive += 1
        elif expected:
            self.false_negative += 1
        else:
            self.true_negative += 1

    @property
    def precision(self) -> float:
        predicted = self.true_positive + self.false_positive
        return self.true_positive / predicted if predicted else 1.0

    @property
    def recall(self) -> float:
        expected = self.true_positive + self.false_negative
        return self.true_positive / expected if expected else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def accuracy(self) -> float:
        total = self.true_positive + self.false_positive + self.false_negative + self.true_negative
        return (self.true_positive + self.true_negative) / total if total else 1.0


@dataclass
class Miss:
    post: LabelledPost
    predicted_must_reply: bool
    predicted_categories: tuple[str, ...]
    reasons: tuple[str, ...]


@dataclass
class Report:
    n: int = 0
    must_reply: Counts = field(default_factory=Counts)
    # Needs a look counted as caught: must reply or needs a look, against expected must reply.
    caught: Counts = field(default_factory=Counts)
    needs_look: int = 0
    categories: dict[str, Counts] = field(default_factory=lambda: {c: Counts() for c in CATEGORIES})
    misses: list[Miss] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "must_reply": {
                "precision": round(self.must_reply.precision, 4),
                "recall": round(self.must_reply.recall, 4),
                "f1": round(self.must_reply.f1, 4),
                "accuracy": round(self.must_reply.accuracy, 4),
            },
            "categories": {
                code: {"precision": round(c.precision, 4), "recall": round(c.recall, 4), "f1": round(c.f1, 4)}
                for code, c in self.categories.items()
            },
            "needs_look": {
                "recall": round(self.caught.recall, 4),
                "share": round(self.needs_look / self.n, 4) if self.n else 0.0,
                "precision": round(self.caught.precision, 4),
            },
            "n": self.n,
        }


def read_labelled(path: Path) -> list[LabelledPost]:
    posts = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
            expected = data["expected"]
            categories = frozenset(expected.get("categories", []))
            unknown = categories - set(CATEGORIES)
            if unknown:
                raise LabelledFileError(f"line {number}: unknown categories {sorted(unknown)}")
            posts.append(
                LabelledPost(
                    id=str(data.get("id", number)),
                    text=data["text"],
                    language=data.get("lang", ""),
                    channel=data.get("channel", ""),
                    must_reply=bool(expected.get("must_reply", bool(categories & MUST_REPLY_CATEGORIES))),
                    categories=categories,
                )
            )
        except (json.JSONDecodeError, KeyError, TypeError, AttributeError) as exc:
            raise LabelledFileError(f"line {number}: {type(exc).__name__}: {exc}") from exc
    return posts


def evaluate(triage: Triage, posts: Iterable[LabelledPost]) -> Report:
    report = Report()
    for post in posts:
        decision = triage.decide(PostInput(post.text, language=post.language))
        report.n += 1
        report.must_reply.add(post.must_reply, decision.must_reply)
        report.caught.add(post.must_reply, decision.must_reply or decision.needs_look)
        report.needs_look += decision.needs_look and not decision.must_reply
        predicted = set(decision.categories)
        for code, counts in report.categories.items():
            counts.add(code in post.categories, code in predicted)
        if decision.must_reply != post.must_reply or predicted != set(post.categories):
            report.misses.append(Miss(post, decision.must_reply, decision.categories, decision.reasons))
    return report


def format_report(report: Report) -> str:
    lines = [f"{report.n} labelled posts", "", f"{'':24}{'precision':>10}{'recall':>10}{'f1':>10}"]
    m = report.must_reply
    lines.append(f"{'must reply':24}{m.precision:>10.3f}{m.recall:>10.3f}{m.f1:>10.3f}   accuracy {m.accuracy:.3f}")
    caught = report.caught
    share = report.needs_look / report.n if report.n else 0.0
    figures = f"{caught.precision:>10.3f}{caught.recall:>10.3f}{caught.f1:>10.3f}"
    lines.append(f"{'caught (+ needs a look)':24}{figures}   needs a look {share:.3f}")
    for code, c in report.categories.items():
        lines.append(f"{code:24}{c.precision:>10.3f}{c.recall:>10.3f}{c.f1:>10.3f}")
    if report.misses:
        lines += ["", f"Misclassified ({len(report.misses)}):"]
        for miss in report.misses:
            expected = ", ".join(sorted(miss.post.categories)) or "-"
            got = ", ".join(miss.predicted_categories) or "-"
            flag = "" if miss.predicted_must_reply == miss.post.must_reply else "  MUST-REPLY WRONG"
            lines.append(f"- {miss.post.id}: expected [{expected}] got [{got}]{flag}")
            lines.append(f"    {miss.post.text[:160]}")
            for reason in miss.reasons:
                lines.append(f"    because {reason}")
    return "\n".join(lines)
