"""
Events into posts: authors, posts, threads, edits and tombstones, by their natural
keys, so that an event applied twice changes nothing the second time.
"""

from datetime import datetime

from django.utils import timezone

from strategy.models import Channel, TargetGroup

from ..connectors.base import AuthorData, PostEvent
from ..models import Author, InboxSettings, OutboxMessage, Post, WebhookDelivery
from ..triage import services as triage_services

# Sources that name our channel by its id instead of the platform's account id.
SOURCES_BY_CHANNEL_ID = {WebhookDelivery.Source.API, WebhookDelivery.Source.CSV}


def find_channel(source: str, account_id: str) -> Channel | None:
    """The active channel a batch is for: by our id (API, CSV) or by the platform's account id."""
    channels = Channel.objects.filter(is_active=True)
    if source in SOURCES_BY_CHANNEL_ID:
        ours = account_id.isascii() and account_id.isdigit() and len(account_id) <= 9
        return channels.filter(pk=int(account_id)).first() if ours else None
    return channels.filter(platform=source, external_id=account_id).first()


def ingest_event(*, channel: Channel, event: PostEvent, delivery: WebhookDelivery | None = None) -> str:
    """
    Apply one event to its post: "created", "updated" or "unchanged".

    An edit replaces the text; a delete sets the tombstone, and nothing brings a
    deleted post back; an event that arrives twice changes nothing the second time.
    """
    now = timezone.now()
    post = Post.objects.select_for_update().filter(channel=channel, external_id=event.external_id).first()
    if event.action == "delete":
        if post is None:
            # Deleted before we saw it: keep the tombstone so that a late add stays deleted.
            _create_post(channel, event, delivery, deleted_at=now, received_at=now)
            return "created"
        if post.deleted_at is not None:
            return "unchanged"
        post.deleted_at = now
        post.save(update_fields=["deleted_at"])
        return "updated"

    if post is None:
        author = upsert_author(channel.platform, event.author, event.published_at or now)
        post = _create_post(
            channel,
            event,
            delivery,
            author=author,
            received_at=now,
            edited_at=(event.edited_at or now) if event.edited else None,
        )
        triage_services.enqueue_triage(post)
        return "created"
    if post.deleted_at is not None:
        return "unchanged"
    if event.edited and event.text != post.text:
        post.text = event.text
        post.edited_at = event.edited_at or now
        # The new text may need another answer: triage it again (the sweep does, should the task be lost).
        post.triaged_at = None
        post.save(update_fields=["text", "edited_at", "triaged_at"])
        triage_services.enqueue_triage(post)
        return "updated"
    return "unchanged"


def upsert_author(platform: str, data: AuthorData | None, seen_at: datetime) -> Author | None:
    if data is None or not data.external_id:
        return None
    author, created = Author.objects.get_or_create(
        platform=platform,
        external_id=data.external_id,
        defaults={"name": data.name, "handle": data.handle, "first_seen_at": seen_at, "last_seen_at": seen_at},
    )
    if created:
        # One of our employees' accounts (the communication unit lists them): "own employees".
        keys = InboxSettings.current().employee_keys()
        if keys and InboxSettings.is_employee(author, keys):
            group = TargetGroup.objects.filter(slug=InboxSettings.EMPLOYEES_GROUP).first()
            if group is not None:
                Author.objects.filter(pk=author.pk).update(target_group=group)
                author.target_group = group
        return author
    # Keep what we knew when a platform leaves a field out (Facebook's from.name may be missing).
    changes = {
        "name": data.name or author.name,
        "handle": data.handle or author.handle,
        "last_seen_at": max(author.last_seen_at, seen_at),
        "first_seen_at": min(author.first_seen_at, seen_at),
    }
    changed = [name for name, value in changes.items() if getattr(author, name) != value]
    if changed:
        for name in changed:
            setattr(author, name, changes[name])
        author.save(update_fields=changed)
    return author


def _create_post(channel: Channel, event: PostEvent, delivery, **fields) -> Post:
    published_at = event.published_at or (delivery.received_at if delivery else timezone.now())
    post, created = Post.objects.get_or_create(
        channel=channel,
        external_id=event.external_id,
        defaults={
            "kind": event.kind,
            "is_ours": event.is_ours,
            "text": event.text,
            "language": event.language,
            "url": event.url,
            "refused_url": event.refused_url,
            "published_at": published_at,
            "parent_external_id": event.parent_external_id,
            "thread_external_id": event.thread_external_id,
            "raw": event.raw,
            "delivery": delivery,
            # The author's target group goes with the post (the reports count by it).
            "target_group_id": fields["author"].target_group_id if fields.get("author") else None,
            **fields,
        },
    )
    if created:
        _link_thread(post)
    return post


def _link_thread(post: Post) -> None:
    """Link the post to its parent and thread, and link what arrived before it to it."""
    siblings = Post.objects.filter(channel_id=post.channel_id)
    updates = {}
    if post.parent_external_id:
        parent = siblings.filter(external_id=post.parent_external_id).first()
        if parent is not None:
            updates["parent"] = parent
            updates["thread_root_id"] = parent.thread_root_id or parent.pk
            if not post.thread_external_id:
                updates["thread_external_id"] = parent.thread_external_id or parent.external_id
        elif not post.thread_external_id:
            # On X we only know the tweet replied to; it stands in for the thread until it comes.
            updates["thread_external_id"] = post.parent_external_id
    thread_id = updates.get("thread_external_id", post.thread_external_id)
    if "thread_root_id" not in updates and thread_id and thread_id != post.external_id:
        root = siblings.filter(external_id=thread_id).only("pk").first()
        if root is not None:
            updates["thread_root_id"] = root.pk
    if updates:
        for name, value in updates.items():
            setattr(post, name, value)
        siblings.filter(pk=post.pk).update(**updates)

    # Replies and thread posts that arrived first.
    siblings.filter(parent_external_id=post.external_id, parent__isnull=True).update(parent=post)
    root_pk = post.thread_root_id or post.pk
    # Two updates, not one with OR: each uses its own index (SQLite would scan the channel otherwise).
    siblings.filter(thread_external_id=post.external_id, thread_root__isnull=True).exclude(pk=post.pk).update(
        thread_root_id=root_pk
    )
    Post.objects.filter(parent=post, thread_root__isnull=True).update(thread_root_id=root_pk)

    # Our own reply answers its parent, wherever it was written.
    if post.is_ours and post.parent_id:
        Post.objects.filter(pk=post.parent_id, first_response_at__isnull=True).update(
            first_response_at=post.published_at
        )
        # The platform shows our reply: a reply of ours to that post that was not
        # confirmed (or left sending) with the same text is now known to be out.
        OutboxMessage.objects.filter(
            in_reply_to_id=post.parent_id,
            status__in=[OutboxMessage.Status.UNKNOWN, OutboxMessage.Status.PENDING],
            text=post.text.strip(),
        ).update(status=OutboxMessage.Status.SENT, external_id=post.external_id[:128], sent_at=post.published_at)
    if not post.is_ours:
        first_reply = (
            Post.objects.filter(parent=post, is_ours=True)
            .order_by("published_at")
            .values_list("published_at", flat=True)
        ).first()
        if first_reply is not None:
            Post.objects.filter(pk=post.pk, first_response_at__isnull=True).update(first_response_at=first_reply)
