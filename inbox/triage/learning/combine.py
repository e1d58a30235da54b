"""
The rules and the model together: one decision, with both parts' evidence. Pure.

The rules run first and their findings are features of the model; with the model's
calibrated P(must reply):
- must reply when P reaches the must-reply threshold, or when the rules require a
  reply and P reaches the needs-look threshold; the categories are the model's, and
  the rules' where the model finds them at least half as likely as it needs by itself
  (the likeliest must-reply category at least);
- needs a look when the rules require a reply but the model finds it unlikely, or
  when the rules do not and P lies between the two thresholds: the post gets the
  must-reply deadline and a person decides (must reply / no reply needed);
- otherwise no reply is required.
Negative tone is the model's call too; a dissatisfied customer is always negative.
"""

from dataclasses import dataclass, replace

from ..engine import (
    CATEGORIES,
    DISSATISFIED_CUSTOMER,
    MUST_REPLY_CATEGORIES,
    NEGATIVE,
    Decision,
    PostInput,
    Triage,
    _priority,
)
from .features import of_decision
from .model import MUST_REPLY, Evidence, LinearModel

# How likely (as a share of the category's threshold) the model must find a category the
# rules found for it to count: chosen on held-out folds of the training posts.
RULE_CATEGORY_SHARE = 0.5


@dataclass(frozen=True)
class ModelPart:
    """What the model said about a post, kept with the decision."""

    version: str
    probabilities: dict[str, float]
    evidence: tuple[Evidence, ...]  # for must reply (or the category chosen)
    needs_look: bool


class ModelTriage:
    """The rules (a compiled `Triage`) and a model; `decide` gives the combined decision."""

    def __init__(self, triage: Triage, model: LinearModel):
        self.triage = triage
        self.model = model
        self.lexicon = triage.lexicon

    def decide(self, post: PostInput) -> Decision:
        decision = self.triage.decide(post)
        if post.is_ours:
            return decision
        return combine(decision, post, self.model, self.triage)


def combine(decision: Decision, post: PostInput, model: LinearModel, triage: Triage) -> Decision:
    found = of_decision(post.text, triage.lexicon, decision)
    probabilities = model.probabilities(found)
    thresholds = model.thresholds
    p_must = probabilities[MUST_REPLY]
    by_rules = decision.must_reply
    # The rules are the communication unit's: a post they require an answer to stays
    # must-reply unless the model finds it unlikely, and then a person decides.
    must_reply = p_must >= thresholds.must_reply or (by_rules and p_must >= thresholds.needs_look)
    needs_look = not must_reply and (by_rules or p_must >= thresholds.needs_look)
    chosen = {code for code in CATEGORIES if probabilities[code] >= thresholds.categories.get(code, 0.5)}
    if must_reply:
        # A category a rule found counts when the model finds it at least half as likely
        # as it needs by itself: a keyword alone ("dere") does not make a product question.
        chosen |= {
            code
            for code in decision.categories
            if probabilities.get(code, 1.0) >= RULE_CATEGORY_SHARE * thresholds.categories.get(code, 0.5)
        }
        if not chosen & MUST_REPLY_CATEGORIES:
            chosen.add(max(MUST_REPLY_CATEGORIES, key=lambda code: probabilities[code]))
    else:
        chosen -= MUST_REPLY_CATEGORIES
    if DISSATISFIED_CUSTOMER in chosen:
        chosen.add(NEGATIVE)
    categories = tuple(code for code in CATEGORIES if code in chosen)
    matches = tuple(match for match in decision.matches if match.category in chosen)
    label = MUST_REPLY if (must_reply or needs_look) else next(iter(categories), MUST_REPLY)
    evidence = model.evidence(found, label)
    part = ModelPart(model.version, {k: round(v, 4) for k, v in probabilities.items()}, evidence, needs_look)
    reasons = (*decision.reasons, _reason(part, must_reply))
    return replace(
        decision,
        categories=categories,
        must_reply=must_reply,
        # A post that needs a look waits like a must-reply one: at least normal priority.
        priority=_priority(categories, list(matches), post, must_reply or needs_look),
        matches=matches,
        reasons=reasons,
        needs_look=needs_look,
        model=part,
    )


def _reason(part: ModelPart, must_reply: bool) -> str:
    verdict = "must reply" if must_reply else ("needs a look" if part.needs_look else "no reply required")
    words = ", ".join(item.text for item in part.evidence) or "-"
    return (
        f"model {part.version} ({verdict}): P(must reply) {part.probabilities[MUST_REPLY]:.2f}; weighed most: {words}"
    )
