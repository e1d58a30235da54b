"""
The learned model as plain data, and its use: a calibrated linear model per label
(each category, and "must reply"), read in pure Python, so a decision costs a few
dictionary lookups per feature and names the features that weighed most.

Trained by `training.py` (scikit-learn); stored as JSON (`to_dict`), so a model is
data that a person can inspect, a version that can be rolled back, and the same in
the worker, the tests and the benchmark.
"""

import heapq
import math
from collections.abc import Iterable
from dataclasses import dataclass, field

from ..engine import CATEGORIES
from .features import describe

MUST_REPLY = "must_reply"
LABELS = (*CATEGORIES, MUST_REPLY)


@dataclass(frozen=True)
class Evidence:
    """A feature that weighed for a label: as a person reads it, and its weight."""

    feature: str
    text: str
    weight: float


@dataclass(frozen=True)
class Thresholds:
    """Where a probability becomes a decision, chosen on held-out folds of the training posts."""

    categories: dict[str, float]
    must_reply: float  # at or above: must reply
    needs_look: float  # at or above, and below must_reply: a person decides


@dataclass(frozen=True)
class LinearModel:
    version: str
    labels: tuple[str, ...]
    # feature -> one weight per label (0.0 where it does not weigh)
    weights: dict[str, tuple[float, ...]]
    bias: tuple[float, ...]
    # Platt scaling per label: probability = 1 / (1 + exp(-(a * score + b)))
    calibration: tuple[tuple[float, float], ...]
    thresholds: Thresholds
    trained_on: int = 0
    info: dict = field(default_factory=dict, compare=False)

    def scores(self, features: Iterable[str]) -> list[float]:
        rows = [row for row in map(self.weights.get, features) if row is not None]
        if not rows:
            return list(self.bias)
        # Column sums in C (zip, sum), not a Python loop per feature and label.
        return [bias + total for bias, total in zip(self.bias, map(sum, zip(*rows, strict=True)), strict=True)]

    def probabilities(self, features: Iterable[str]) -> dict[str, float]:
        """One calibrated probability per label."""
        return {
            label: _sigmoid(a * score + b)
            for label, score, (a, b) in zip(self.labels, self.scores(features), self.calibration, strict=True)
        }

    def evidence(self, features: Iterable[str], label: str, *, limit: int = 5) -> tuple[Evidence, ...]:
        """
        The features of this post that pushed hardest towards the label: whole words,
        word pairs, emoji and the rules' findings first, word pieces only when nothing
        else weighed (a person reads "appen", not "…pp…").
        """
        index = self.labels.index(label)
        features = tuple(features)
        rows = map(self.weights.get, features)
        found = [(row[index], feature) for feature, row in zip(features, rows, strict=True) if row]
        weighed = [pair for pair in found if pair[0] > 0]
        readable = [pair for pair in weighed if not pair[1].startswith("c:")] or weighed
        best = heapq.nlargest(limit, readable)
        return tuple(Evidence(feature, describe(feature), round(weight, 3)) for weight, feature in best)

    def to_dict(self) -> dict:
        return {
            "version": self.version,
            "labels": list(self.labels),
            "weights": {feature: list(row) for feature, row in self.weights.items()},
            "bias": list(self.bias),
            "calibration": [list(pair) for pair in self.calibration],
            "thresholds": {
                "categories": self.thresholds.categories,
                "must_reply": self.thresholds.must_reply,
                "needs_look": self.thresholds.needs_look,
            },
            "trained_on": self.trained_on,
            "info": self.info,
        }

    @classmethod
    def from_dict(cls, data: dict) -> "LinearModel":
        thresholds = data["thresholds"]
        return cls(
            version=data["version"],
            labels=tuple(data["labels"]),
            weights={feature: tuple(row) for feature, row in data["weights"].items()},
            bias=tuple(data["bias"]),
            calibration=tuple((a, b) for a, b in data["calibration"]),
            thresholds=Thresholds(
                categories=dict(thresholds["categories"]),
                must_reply=thresholds["must_reply"],
                needs_look=thresholds["needs_look"],
            ),
            trained_on=data.get("trained_on", 0),
            info=data.get("info", {}),
        )


def _sigmoid(value: float) -> float:
    if value >= 0:
        return 1.0 / (1.0 + math.exp(-value))
    exp = math.exp(value)
    return exp / (1.0 + exp)
