"""
People's work as labelled examples for the learned triage: an override, a reply to a
post triage did not flag, a flagged post closed as needing no reply. Each is recorded
with who and when (`TriageLabel`); `learned.decision_examples` trains on them.
"""

from ..models import Post, TriageLabel


def label_override(post: Post, *, user, categories: list[str], must_reply: bool) -> None:
    TriageLabel.objects.create(
        post=post, source=TriageLabel.Source.OVERRIDE, must_reply=must_reply, categories=categories, labelled_by=user
    )


def label_reply(post: Post, *, user) -> None:
    """The post's first reply: a label when triage had not flagged it (it needed an answer after all)."""
    if post.is_ours or post.must_reply:
        return
    TriageLabel.objects.create(
        post=post, source=TriageLabel.Source.REPLIED, must_reply=True, categories_known=False, labelled_by=user
    )


def label_close(post: Post, *, user) -> None:
    """A flagged post closed without a reply as needing none (or as spam): it did not need an answer."""
    if not post.must_reply or post.first_response_at is not None:
        return
    TriageLabel.objects.create(
        post=post, source=TriageLabel.Source.CLOSED, must_reply=False, categories_known=False, labelled_by=user
    )
