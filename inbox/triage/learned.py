"""
The learned model as a service: what it is trained on, training and storing a
version with its figures, activating one (and rolling back), and the triage in force
(the compiled rules with the active model beside them). The learning itself is the
pure `learning` package.
"""

import hashlib
import json
import logging
import time
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from ..models import Post, TriageDecision, TriageLabel, TriageModel
from . import rulebook
from .engine import Triage
from .evaluation import evaluate, read_labelled
from .learning.combine import ModelTriage
from .learning.model import LinearModel
from .learning.training import Example, labelled_examples, train
from .quality import Settled

logger = logging.getLogger(__name__)

# How much worse than the active model on the blind set a new one may be and still be
# activated by itself: the noise of a few posts, not a trend.
TOLERANCE = 0.005


def decision_examples() -> list[Example]:
    """
    What people's work said about posts (`TriageLabel`: overrides, replies to posts
    triage did not flag, flagged posts closed as needing no reply): the latest per post.
    """
    latest: dict[int, Example] = {}
    labels = (
        TriageLabel.objects.filter(post__deleted_at__isnull=True)
        .order_by("post_id", "labelled_at", "pk")
        .values_list(
            "post_id", "post__text", "post__language", "source", "must_reply", "categories", "categories_known"
        )
    )
    for post_id, text, language, source, must_reply, categories, known in labels.iterator():
        if text:
            latest[post_id] = Example(
                text,
                frozenset(categories or ()),
                language or "",
                source=source,
                must=must_reply,
                categories_known=known,
            )
    return list(latest.values())


def blind_posts():
    """The blind set (settings.TRIAGE_BLIND_SET), never trained or tuned on; [] when it is not there."""
    directory = Path(settings.TRIAGE_BLIND_SET)
    posts = []
    for path in sorted(directory.glob("*.jsonl")) if directory.is_dir() else []:
        posts.extend(read_labelled(path))
    return posts


def train_model(*, by=None, note: str = "", activate: bool = True) -> TriageModel:
    """
    Train a version on the shipped labelled posts and people's decisions, measure it
    on the blind set, store it, and activate it when it is not worse than the active
    one there (or there is none).
    """
    rules = rulebook.compiled_triage()
    examples = labelled_examples() + decision_examples()
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    digest = hashlib.sha256(json.dumps(sorted(e.text for e in examples)).encode()).hexdigest()[:8]
    model = train(examples, rules, version=f"{stamp}-{digest}")
    blind = blind_posts()
    figures = evaluate(ModelTriage(rules, model), blind).as_dict() if blind else {}
    counts = model.info["sources"]
    record = TriageModel.objects.create(
        version=model.version,
        trained_by=by,
        parameters=model.to_dict(),
        training_counts=counts,
        blind_figures=figures,
        training_figures=model.info.get("held_out", {}),
        note=note,
    )
    active = TriageModel.objects.filter(is_active=True).first()
    if activate and (active is None or not_worse(figures, active.blind_figures)):
        activate_model(record, by=by)
    logger.info("trained triage model %s on %s; blind set %s", record.version, counts, figures.get("must_reply"))
    return record


def not_worse(new: dict, old: dict) -> bool:
    """On the blind set: must-reply F1 and the share caught (with needs a look) at least the old ones'."""
    if not old:
        return True
    if not new:
        return False
    pairs = (
        (new["must_reply"]["f1"], old["must_reply"]["f1"]),
        (new.get("needs_look", {}).get("recall", 0), old.get("needs_look", {}).get("recall", 0)),
    )
    return all(fresh >= stale - TOLERANCE for fresh, stale in pairs)


def activate_model(record: TriageModel, *, by=None) -> None:
    """Make this version the one in force (a roll back when it is an earlier one)."""
    with transaction.atomic():
        TriageModel.objects.filter(is_active=True).exclude(pk=record.pk).update(is_active=False)
        TriageModel.objects.filter(pk=record.pk).update(is_active=True, activated_at=timezone.now(), activated_by=by)
    record.refresh_from_db()
    _current.clear()  # in this process at once; in the others within TRIAGE_VERSION_CHECK_SECONDS


_loaded: dict[str, LinearModel] = {}


def active_model() -> LinearModel | None:
    """The active version, read once per version (per process)."""
    version = TriageModel.objects.filter(is_active=True).values_list("version", flat=True).first()
    if version is None:
        return None
    model = _loaded.get(version)
    if model is None:
        parameters = TriageModel.objects.filter(version=version).values_list("parameters", flat=True).first()
        if parameters is None:
            return None
        model = LinearModel.from_dict(parameters)
        _loaded.clear()
        _loaded[version] = model
    return model


_current: list = []  # [checked until (monotonic), the triage in force]


def current_triage() -> Triage | ModelTriage:
    """
    The triage in force: the compiled rules, with the active model beside them when
    there is one. Whether the rules or the active version changed is asked at most
    every TRIAGE_VERSION_CHECK_SECONDS (four queries saved on every other post): an
    edited rule or a version put in force takes effect in the workers within that time.
    """
    now = time.monotonic()
    if _current and now < _current[0]:
        return _current[1]
    rules = rulebook.compiled_triage()
    model = active_model()
    triage = ModelTriage(rules, model) if model is not None else rules
    _current[:] = [now + settings.TRIAGE_VERSION_CHECK_SECONDS, triage]
    return triage


# What people settled, for the triage quality page.

QUALITY_DAYS = 30
QUALITY_LIMIT = 5000


def settled_since(since) -> list[Settled]:
    """
    The posts people settled since then (at most QUALITY_LIMIT, the latest first), with
    the system's latest decision about each: a label (an override, a reply to an
    unflagged post, a close of a flagged one), else an answer (it needed one), else a
    close as needing no reply or as spam (it needed none).
    """
    truth: dict[int, tuple[bool, frozenset[str] | None]] = {}
    labels = TriageLabel.objects.filter(labelled_at__gte=since).order_by("-labelled_at", "-pk")
    for post_id, must_reply, categories, known in labels.values_list(
        "post_id", "must_reply", "categories", "categories_known"
    )[:QUALITY_LIMIT]:
        truth.setdefault(post_id, (must_reply, frozenset(categories or ()) if known else None))
    posts = Post.objects.filter(is_ours=False, deleted_at__isnull=True)
    for post_id in posts.filter(first_response_at__gte=since).values_list("pk", flat=True)[:QUALITY_LIMIT]:
        truth.setdefault(post_id, (True, None))
    closed = posts.filter(
        closed_at__gte=since, close_reason__in=[Post.CloseReason.NO_REPLY_NEEDED, Post.CloseReason.SPAM]
    )
    for post_id in closed.values_list("pk", flat=True)[:QUALITY_LIMIT]:
        truth.setdefault(post_id, (False, None))
    system: dict[int, tuple] = {}
    decisions = (
        TriageDecision.objects.filter(post_id__in=list(truth), decided_by__isnull=True)
        .order_by("post_id", "created_at", "pk")
        .values_list("post_id", "must_reply", "needs_look", "categories", "post__text")
    )
    for post_id, must_reply, needs_look, categories, text in decisions.iterator():
        system[post_id] = (must_reply and not needs_look, needs_look, frozenset(categories or ()), text)
    return [
        Settled(post_id, text, must, look, categories, *truth[post_id])
        for post_id, (must, look, categories, text) in sorted(system.items(), reverse=True)
    ]


def needs_look_share(since) -> float:
    """Of the posts the system triaged since then, the share it said needed a look."""
    decisions = TriageDecision.objects.filter(created_at__gte=since, decided_by__isnull=True)
    total = decisions.values("post_id").distinct().count()
    looked = decisions.filter(needs_look=True).values("post_id").distinct().count()
    return looked / total if total else 0.0
