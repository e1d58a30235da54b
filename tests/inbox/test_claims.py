"""Claiming a post: one person at a time, and the others are told who."""

import threading

import pytest
from django.db import connection
from django.urls import reverse

from inbox.models import Activity, Post
from inbox.work import access
from inbox.work import actions as workflow
from tests.factories import PostFactory


@pytest.fixture
def post(db) -> Post:
    return PostFactory(text="Appen fungerer ikke", author=None, must_reply=True, status="open")


@pytest.mark.django_db
def test_a_claim_takes_the_post_and_logs_it(client, ingrid, post):
    client.force_login(ingrid)

    response = client.post(reverse("inbox:post-claim", args=[post.pk]), follow=True)

    post.refresh_from_db()
    assert post.assignee == ingrid
    assert Activity.objects.filter(post=post, kind="claimed", actor=ingrid).exists()
    assert "Innlegget er ditt" in response.content.decode()


@pytest.mark.django_db
def test_a_second_claim_is_told_who_holds_the_post(client, ingrid, django_user_model, post):
    from django.contrib.auth.models import Group

    kari = django_user_model.objects.create_user("kari", first_name="Kari", last_name="Lie")
    kari.groups.add(Group.objects.get(name="communication_unit"))
    workflow.claim_post(post=post, user=ingrid)
    client.force_login(kari)

    response = client.post(reverse("inbox:post-claim", args=[post.pk]), follow=True)

    post.refresh_from_db()
    assert post.assignee == ingrid
    html = response.content.decode()
    assert "Ingrid Berg svarer allerede på dette innlegget." in html
    assert "Ingrid Berg svarer på dette innlegget." in html  # the notice on the page itself


@pytest.mark.django_db
def test_a_manager_cannot_claim(client, lars, post):
    client.force_login(lars)

    assert client.post(reverse("inbox:post-claim", args=[post.pk])).status_code == 403
    assert Post.objects.get(pk=post.pk).assignee is None


@pytest.mark.django_db
def test_the_holder_releases_and_the_log_says_so(client, ingrid, post):
    workflow.claim_post(post=post, user=ingrid)
    client.force_login(ingrid)

    client.post(reverse("inbox:post-release", args=[post.pk]))

    assert Post.objects.get(pk=post.pk).assignee is None
    assert list(Activity.objects.filter(post=post).values_list("kind", flat=True)) == ["released", "claimed"]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_people_claiming_at_once_get_one_winner(django_user_model, post):
    from django.contrib.auth.models import Group

    from socialstrategy.roles import apply_roles

    apply_roles()
    group = Group.objects.get(name="communication_unit")
    people = [django_user_model.objects.create_user(f"person{n}") for n in range(8)]
    for person in people:
        person.groups.add(group)
    barrier = threading.Barrier(len(people))
    outcomes = []

    def claim(person):
        try:
            barrier.wait()
            workflow.claim_post(post=Post.objects.get(pk=post.pk), user=django_user_model.objects.get(pk=person.pk))
            outcomes.append(("won", person.pk))
        except access.PostHeldByOther as held:
            outcomes.append(("lost", held.holder.pk))
        finally:
            connection.close()

    threads = [threading.Thread(target=claim, args=(person,)) for person in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    winners = [pk for outcome, pk in outcomes if outcome == "won"]
    assert len(outcomes) == len(people)
    assert len(winners) == 1
    assert {pk for outcome, pk in outcomes if outcome == "lost"} == set(winners)
    assert Post.objects.get(pk=post.pk).assignee_id == winners[0]
    assert Activity.objects.filter(post=post, kind="claimed").count() == 1


@pytest.fixture
def kari(db):
    from django.contrib.auth.models import Group

    from socialstrategy.roles import COMMUNICATION_UNIT
    from tests.factories import UserFactory

    user = UserFactory(username="kari", first_name="Kari", last_name="Nordmann")
    user.groups.add(Group.objects.get(name=COMMUNICATION_UNIT))
    return user


@pytest.mark.django_db
def test_releasing_a_colleagues_claim_asks_first_and_tells_them(client, ingrid, kari, post):
    from socialstrategy.models import Notification

    workflow.claim_post(post=post, user=kari)
    client.force_login(ingrid)

    asked = client.post(reverse("inbox:post-release", args=[post.pk]), follow=True).content.decode()
    assert Post.objects.get(pk=post.pk).assignee == kari  # not without the box ticked
    assert "Kari Nordmann svarer på dette innlegget. Kryss av for å frigi" in asked
    assert 'name="confirm" value="yes" required' in asked

    client.post(reverse("inbox:post-release", args=[post.pk]), {"confirm": "yes"})

    assert Post.objects.get(pk=post.pk).assignee is None
    told = Notification.objects.get(user=kari, kind="released")
    assert told.text == "Ingrid Berg frigjorde innlegget ditt."


@pytest.mark.django_db
def test_giving_a_held_post_to_another_takes_it_over_only_when_ticked_and_tells_the_holder(
    client, ingrid, kari, django_user_model, post
):
    from django.contrib.auth.models import Group

    from socialstrategy.models import Notification
    from socialstrategy.roles import COMMUNICATION_UNIT

    per = django_user_model.objects.create_user("per", first_name="Per", last_name="Lie")
    per.groups.add(Group.objects.get(name=COMMUNICATION_UNIT))
    workflow.claim_post(post=post, user=kari)
    client.force_login(ingrid)
    url = reverse("inbox:post-assign", args=[post.pk])

    refused = client.post(url, {"assign-to_user": per.pk}, follow=True).content.decode()
    assert Post.objects.get(pk=post.pk).assignee == kari
    assert "Kari Nordmann har dette innlegget: kryss av for å ta det fra henne eller ham." in refused

    client.post(url, {"assign-to_user": per.pk, "assign-take_over": "on"})

    assert Post.objects.get(pk=post.pk).assignee == per
    assert Notification.objects.get(user=kari, kind="released").text == "Ingrid Berg ga innlegget du hadde til Per Lie."


@pytest.mark.django_db
def test_opening_or_answering_a_post_marks_what_you_were_told_about_it_read(client, ingrid, kari, post, settings):
    from inbox.notices import Kind, notify_about
    from socialstrategy.models import Notification

    settings.SOCIAL_SANDBOX = True
    other = PostFactory(text="Et annet innlegg")
    notify_about(post, users=[ingrid, kari], kind=Kind.ASSIGNED)
    notify_about(other, users=[ingrid], kind=Kind.ASSIGNED)
    client.force_login(ingrid)

    client.get(reverse("inbox:post-detail", args=[post.pk]))

    unread = Notification.objects.filter(read_at__isnull=True)
    assert set(unread.values_list("user__username", "target_id")) == {("kari", post.pk), ("ingrid", other.pk)}
    notify_about(other, users=[kari], kind=Kind.ASSIGNED)
    workflow.reply_to_post(post=other, user=kari, text="Hei! Takk for beskjeden.")
    assert not Notification.objects.filter(user=kari, target_id=other.pk, read_at__isnull=True).exists()
