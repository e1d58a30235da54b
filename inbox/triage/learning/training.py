"""
Training the learned model (scikit-learn) from labelled posts and the communication
unit's own decisions. Pure: examples in, a `LinearModel` out; storing it is the
services' job.

One logistic regression per label over the features of `features.py`, balanced for
rare labels; calibrated by Platt scaling on out-of-fold scores, so that 0.8 means
"right about four times in five"; the thresholds that turn probabilities into
decisions are chosen on the same out-of-fold predictions, never on the blind set.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ..engine import CATEGORIES, MUST_REPLY_CATEGORIES, PostInput, Triage
from ..evaluation import read_labelled
from .features import of_decision
from .model import LABELS, MUST_REPLY, LinearModel, Thresholds

FOLDS = 5
# A feature seen in fewer examples than this says nothing reliable.
MIN_EXAMPLES_PER_FEATURE = 2
REGULARISATION = 2.0  # scikit-learn's C: larger fits the training posts more closely
# What the thresholds aim at on held-out folds.
MUST_REPLY_PRECISION = 0.92
CAUGHT_RECALL = 0.985  # must reply or needs a look
NEEDS_LOOK_SHARE = 0.12  # on held-out folds; new text runs higher, and the product allows 0.15
GRID = tuple(round(0.05 * step, 2) for step in range(2, 19))  # 0.10 .. 0.90


@dataclass(frozen=True)
class Example:
    """
    One labelled post: from a labelled file, or from people's work on a post. A reply
    or a close says whether an answer was needed but not which categories apply
    (`categories_known` False): such an example teaches must-reply only.
    """

    text: str
    categories: frozenset[str]
    language: str = ""
    source: str = "labelled"
    must: bool | None = None  # said outright; else it follows from the categories
    categories_known: bool = True

    @property
    def must_reply(self) -> bool:
        return self.must if self.must is not None else bool(self.categories & MUST_REPLY_CATEGORIES)


# The labelled posts the product ships with (JSON Lines, as evaluate_triage reads them).
TRAINING_DIR = Path(__file__).resolve().parents[1] / "training"


def labelled_examples(directory: Path = TRAINING_DIR) -> list[Example]:
    return [
        Example(post.text, post.categories, post.language, source="labelled")
        for path in sorted(directory.glob("*.jsonl"))
        for post in read_labelled(path)
    ]


def train(examples: Sequence[Example], triage: Triage, *, version: str, seed: int = 0) -> LinearModel:
    """A calibrated model with its thresholds; `triage` is the rules alone (no model)."""
    import numpy as np
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    if len(examples) < 4 * FOLDS:
        raise ValueError(f"at least {4 * FOLDS} labelled posts are needed to train, not {len(examples)}")
    decisions = [triage.decide(PostInput(example.text, language=example.language)) for example in examples]
    rows = [of_decision(e.text, triage.lexicon, d) for e, d in zip(examples, decisions, strict=True)]
    # The rules' own verdict: a post they require an answer to is must-reply or needs a look
    # whatever the model says (see combine), so the thresholds are chosen with it.
    by_rules = np.array([decision.must_reply for decision in decisions])
    counts: dict[str, int] = {}
    for row in rows:
        for feature in row:
            counts[feature] = counts.get(feature, 0) + 1
    kept = {feature for feature, count in counts.items() if count >= MIN_EXAMPLES_PER_FEATURE}
    vectorizer = DictVectorizer()
    matrix = vectorizer.fit_transform([dict.fromkeys(row & kept, 1.0) for row in rows]).tocsr()
    # liblinear takes 32-bit indices only.
    matrix.indices = matrix.indices.astype(np.int32)
    matrix.indptr = matrix.indptr.astype(np.int32)
    names = vectorizer.get_feature_names_out()

    weights = np.zeros((len(names), len(LABELS)))
    bias, calibration, out_of_fold = [], [], {}
    for index, label in enumerate(LABELS):
        # A category is learnt from the examples that say it; must reply from all.
        rows_for = np.array([label == MUST_REPLY or example.categories_known for example in examples])
        y_all = np.array([_has(example, label) for example in examples], dtype=int)
        y, part = y_all[rows_for], matrix[rows_for]
        if len(y) == 0 or y.min() == y.max():  # never (or always) seen: a constant
            constant = float(y.max()) if len(y) else 0.0
            bias.append(-10.0 if constant == 0 else 10.0)
            calibration.append((1.0, 0.0))
            out_of_fold[label] = np.full(len(y_all), constant)
            continue
        classifier = LogisticRegression(C=REGULARISATION, class_weight="balanced", solver="liblinear", max_iter=2000)
        folds = StratifiedKFold(
            n_splits=min(FOLDS, int(min(y.sum(), len(y) - y.sum()))), shuffle=True, random_state=seed
        )
        held_out = cross_val_predict(classifier, part, y, cv=folds, method="decision_function")
        platt = LogisticRegression(C=1e6, max_iter=1000).fit(held_out.reshape(-1, 1), y)
        a, b = float(platt.coef_[0][0]), float(platt.intercept_[0])
        probabilities = np.zeros(len(y_all))
        probabilities[rows_for] = 1.0 / (1.0 + np.exp(-(a * held_out + b)))
        out_of_fold[label] = probabilities
        classifier.fit(part, y)
        weights[:, index] = classifier.coef_[0]
        bias.append(float(classifier.intercept_[0]))
        calibration.append((a, b))

    expected_must = np.array([example.must_reply for example in examples])
    category_thresholds = {
        label: _best_f1_threshold(out_of_fold[label], np.array([_has(e, label) for e in examples]))
        for label in CATEGORIES
    }
    must_threshold = _precise_threshold(out_of_fold[MUST_REPLY], expected_must)
    look_threshold = _needs_look_threshold(out_of_fold[MUST_REPLY], expected_must, must_threshold, by_rules)
    table = {
        str(name): tuple(round(float(w), 5) for w in weights[position])
        for position, name in enumerate(names)
        if np.abs(weights[position]).max() >= 1e-4
    }
    return LinearModel(
        version=version,
        labels=LABELS,
        weights=table,
        bias=tuple(round(b, 5) for b in bias),
        calibration=tuple((round(a, 5), round(b, 5)) for a, b in calibration),
        thresholds=Thresholds(categories=category_thresholds, must_reply=must_threshold, needs_look=look_threshold),
        trained_on=len(examples),
        info={
            "sources": _sources(examples),
            "features": len(table),
            "held_out": _held_out_figures(
                out_of_fold[MUST_REPLY], expected_must, must_threshold, look_threshold, by_rules
            ),
        },
    )


def _has(example: Example, label: str) -> bool:
    return example.must_reply if label == MUST_REPLY else label in example.categories


def _best_f1_threshold(probabilities, expected) -> float:
    best, best_f1 = 0.5, -1.0
    for threshold in GRID:
        predicted = probabilities >= threshold
        true_positive = float((predicted & expected).sum())
        precision = true_positive / predicted.sum() if predicted.sum() else 1.0
        recall = true_positive / expected.sum() if expected.sum() else 1.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        if f1 > best_f1:
            best, best_f1 = threshold, f1
    return best


def _precise_threshold(probabilities, expected) -> float:
    """The lowest threshold whose held-out precision reaches the aim; the most precise one otherwise."""
    for threshold in GRID:
        predicted = probabilities >= threshold
        if predicted.sum() and (predicted & expected).sum() / predicted.sum() >= MUST_REPLY_PRECISION:
            return max(threshold, 0.3)
    return GRID[-1]


def _outcome(probabilities, must_threshold: float, look_threshold: float, by_rules):
    """As `combine` decides: (must reply, must reply or needs a look) per post."""
    must = (probabilities >= must_threshold) | (by_rules & (probabilities >= look_threshold))
    caught = (probabilities >= look_threshold) | by_rules
    return must, caught


def _needs_look_threshold(probabilities, expected, must_threshold: float, by_rules) -> float:
    """
    The highest threshold below must-reply that catches the aimed share of the posts
    that must be answered, raised until the posts that need a look (the model unsure,
    or the rules requiring what the model doubts) are within the share allowed.
    """
    candidates = [threshold for threshold in GRID if threshold < must_threshold] or [must_threshold]
    chosen = candidates[0]
    for threshold in reversed(candidates):
        _must, caught = _outcome(probabilities, must_threshold, threshold, by_rules)
        recall = (caught & expected).sum() / expected.sum() if expected.sum() else 1.0
        chosen = threshold
        if recall >= CAUGHT_RECALL:
            break
    while chosen < must_threshold:
        must, caught = _outcome(probabilities, must_threshold, chosen, by_rules)
        if (caught & ~must).mean() <= NEEDS_LOOK_SHARE:
            break
        chosen = round(chosen + 0.05, 2)
    return min(chosen, must_threshold)


def _held_out_figures(probabilities, expected, must_threshold: float, look_threshold: float, by_rules) -> dict:
    must, caught = _outcome(probabilities, must_threshold, look_threshold, by_rules)
    return {
        "must_reply_precision": round(float((must & expected).sum() / max(must.sum(), 1)), 4),
        "must_reply_recall": round(float((must & expected).sum() / max(expected.sum(), 1)), 4),
        "caught_recall": round(float((caught & expected).sum() / max(expected.sum(), 1)), 4),
        "needs_look_share": round(float((caught & ~must).mean()), 4),
    }


def _sources(examples: Sequence[Example]) -> dict[str, int]:
    sources: dict[str, int] = {}
    for example in examples:
        sources[example.source] = sources.get(example.source, 0) + 1
    return sources
