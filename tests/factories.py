from datetime import UTC, datetime

import factory
from django.contrib.auth import get_user_model

from inbox.models import Author, Post, WebhookDelivery
from strategy.models import Channel, Goal, Guideline, TargetGroup, Team

PASSWORD = "correct horse battery staple"
# When a PostFactory post was published (and received), unless a test says otherwise:
# a Wednesday morning, 10:00 in Oslo.
PUBLISHED = datetime(2026, 5, 13, 8, tzinfo=UTC)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@bedriften.example")
    password = factory.django.Password(PASSWORD)


class GoalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Goal

    slug = factory.Sequence(lambda n: f"goal-{n}")
    title_nb = factory.Sequence(lambda n: f"Mål {n}")
    title_en = factory.Sequence(lambda n: f"Goal {n}")


class TargetGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TargetGroup

    slug = factory.Sequence(lambda n: f"group-{n}")
    name_nb = factory.Sequence(lambda n: f"Målgruppe {n}")
    name_en = factory.Sequence(lambda n: f"Target group {n}")


class ChannelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Channel

    slug = factory.Sequence(lambda n: f"channel-{n}")
    platform = Channel.Platform.FACEBOOK
    name = factory.Sequence(lambda n: f"Channel {n}")
    external_id = factory.Sequence(lambda n: str(1000000 + n))


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    slug = factory.Sequence(lambda n: f"team-{n}")
    name_nb = factory.Sequence(lambda n: f"Team {n}")
    name_en = factory.Sequence(lambda n: f"Team {n}")


class GuidelineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Guideline

    slug = factory.Sequence(lambda n: f"guideline-{n}")
    order = factory.Sequence(lambda n: n)
    title_nb = factory.Sequence(lambda n: f"Retningslinje {n}")
    title_en = factory.Sequence(lambda n: f"Guideline {n}")
    body_nb = "Tekst."
    body_en = "Text."


class AuthorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Author

    platform = Channel.Platform.FACEBOOK
    external_id = factory.Sequence(lambda n: f"author-{n}")
    name = factory.Sequence(lambda n: f"Author {n}")


class PostFactory(factory.django.DjangoModelFactory):
    """A visitor's comment on a channel, by an author on the channel's platform."""

    class Meta:
        model = Post

    channel = factory.SubFactory(ChannelFactory)
    external_id = factory.Sequence(lambda n: f"post-{n}")
    kind = Post.Kind.COMMENT
    author = factory.SubFactory(AuthorFactory, platform=factory.SelfAttribute("..channel.platform"))
    # The author's target group goes with the post, as ingest does.
    target_group = factory.LazyAttribute(lambda post: post.author.target_group if post.author else None)
    text = factory.Sequence(lambda n: f"Post {n}")
    published_at = PUBLISHED
    received_at = factory.SelfAttribute("published_at")


class DeliveryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WebhookDelivery

    source = WebhookDelivery.Source.FACEBOOK
    body = b"{}"
