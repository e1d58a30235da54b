"""
A second pair of eyes on replies to negative posts: when the communication unit asks
for it, such a reply waits for another member's approval, and nothing is sent before.
"""

import threading
from datetime import UTC, datetime

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import translation

from inbox import selectors
from inbox.models import Activity, Forward, InboxSettings, OutboxMessage, Post, ReplyApproval
from inbox.work import actions as workflow
from socialstrategy import roles
from socialstrategy.models import Notification
from tests.factories import PostFactory, UserFactory

REPLY = "Vi beklager at leveringen var sen. Vi ser på saken i dag."


def colleague(username: str, first_name: str, last_name: str):
    user = UserFactory(username=username, first_name=first_name, last_name=last_name)
    user.groups.add(Group.objects.get(name=roles.COMMUNICATION_UNIT))
    return user


@pytest.fixture
def kari(db):
    return colleague("kari", "Kari", "Lie")


@pytest.fixture
def mona(db):
    return colleague("mona", "Mona", "Strand")


@pytest.fixture
def approval_for_negative(db):
    settings = InboxSettings.current()
    settings.approval_for_negative = True
    settings.save()


@pytest.fixture
def post(db, settings) -> Post:
    """A negative post waiting for an answer."""
    settings.SOCIAL_SANDBOX = True
    return PostFactory(
        channel__name="Facebook",
        external_id="123_456",
        author=None,
        text="Elendig service, pakken kom to uker for sent!",
        must_reply=True,
        status="open",
        categories=["dissatisfied_customer", "negative"],
        due_at=datetime(2026, 5, 13, 14, tzinfo=UTC),
    )


def test_a_reply_to_a_negative_post_waits_for_approval_and_sends_nothing(
    post, ingrid, kari, mona, lars, approval_for_negative
):
    outcome = workflow.reply_to_post(post=post, user=ingrid, text=REPLY)

    approval = ReplyApproval.objects.get()
    assert outcome == approval
    assert (approval.status, approval.text, approval.written_by, approval.post) == ("pending", REPLY, ingrid, post)
    assert not OutboxMessage.objects.exists()
    post.refresh_from_db()
    assert (post.status, post.first_response_at, post.assignee) == ("open", None, ingrid)
    approvers = post.notifications.filter(kind=Notification.Kind.APPROVAL)
    assert set(approvers.values_list("user__username", flat=True)) == {"kari", "mona"}
    assert list(selectors.queue_posts("approval", kari)) == [post]
    assert Activity.objects.filter(post=post, kind="approval_asked", actor=ingrid).exists()


def test_the_writer_cannot_approve_their_own_reply(post, ingrid, kari, approval_for_negative):
    approval = workflow.reply_to_post(post=post, user=ingrid, text=REPLY)

    with pytest.raises(ValidationError) as refused:
        workflow.approve_reply(approval=approval, user=ingrid)

    with translation.override("nb"):
        assert refused.value.messages == ["Noen andre må godkjenne svaret ditt."]
    approval.refresh_from_db()
    assert (approval.status, approval.reviewed_by) == ("pending", None)
    assert not OutboxMessage.objects.exists()


def test_another_member_approves_and_the_reply_goes_out(post, ingrid, kari, approval_for_negative):
    approval = workflow.reply_to_post(post=post, user=ingrid, text=REPLY)

    message = workflow.approve_reply(approval=approval, user=kari)

    assert OutboxMessage.objects.get() == message
    assert (message.status, message.text, message.in_reply_to, message.created_by) == ("sandbox", REPLY, post, ingrid)
    post.refresh_from_db()
    assert post.status == Post.Status.ANSWERED
    assert post.first_response_at is not None
    approval.refresh_from_db()
    assert (approval.status, approval.reviewed_by, approval.message) == ("approved", kari, message)
    assert approval.reviewed_at is not None
    assert list(selectors.queue_posts("approval", kari)) == []
    assert Activity.objects.filter(post=post, kind="approved", actor=kari).exists()
    assert Activity.objects.filter(post=post, kind="replied", actor=ingrid).exists()


def test_an_approved_reply_cannot_be_approved_again(post, ingrid, kari, mona, approval_for_negative):
    approval = workflow.reply_to_post(post=post, user=ingrid, text=REPLY)
    workflow.approve_reply(approval=approval, user=kari)

    with pytest.raises(ValidationError):
        workflow.approve_reply(approval=approval, user=mona)

    assert OutboxMessage.objects.count() == 1
    approval.refresh_from_db()
    assert approval.reviewed_by == kari


def test_a_reply_sent_back_goes_to_its_writer_with_the_comment_and_nothing_is_sent(
    client, post, ingrid, kari, approval_for_negative
):
    approval = workflow.reply_to_post(post=post, user=ingrid, text=REPLY)

    workflow.send_back_reply(approval=approval, user=kari, comment="Si unnskyld først, og nevn ordrenummeret.")

    approval.refresh_from_db()
    assert (approval.status, approval.reviewed_by, approval.comment) == (
        "sent_back",
        kari,
        "Si unnskyld først, og nevn ordrenummeret.",
    )
    assert not OutboxMessage.objects.exists()
    notification = Notification.objects.get(kind=Notification.Kind.SENT_BACK)
    assert (notification.user, notification.target, notification.text) == (
        ingrid,
        post,
        "Si unnskyld først, og nevn ordrenummeret.",
    )
    assert list(selectors.queue_posts("approval", kari)) == []
    post.refresh_from_db()
    assert (post.status, post.first_response_at) == ("open", None)

    client.force_login(ingrid)
    page = client.get(reverse("inbox:post-detail", args=[post.pk]))

    html = page.content.decode()
    assert "Kari Lie sendte svaret ditt tilbake:</strong> Si unnskyld først, og nevn ordrenummeret." in html
    assert page.context["can_answer"] is True
    assert page.context["reply_form"].initial["text"] == REPLY  # the writer starts from what they wrote

    client.post(reverse("inbox:post-reply", args=[post.pk]), {"reply-text": "Unnskyld! Ordre 4711 er på vei."})

    again = ReplyApproval.objects.get(status="pending")
    assert (again.text, again.written_by) == ("Unnskyld! Ordre 4711 er på vei.", ingrid)
    assert not OutboxMessage.objects.exists()


def test_the_reviewer_sees_the_waiting_reply_and_approves_it_from_the_page(
    client, post, ingrid, kari, approval_for_negative
):
    client.force_login(ingrid)
    asked = client.post(reverse("inbox:post-reply", args=[post.pk]), {"reply-text": REPLY}, follow=True)
    assert "Svaret ditt venter på godkjenning fra en kollega; ingenting er sendt ennå." in asked.content.decode()
    approval = ReplyApproval.objects.get()
    approve_url = reverse("inbox:post-approve", args=[post.pk, approval.pk])
    assert approve_url not in asked.content.decode()  # not for the writer
    client.force_login(kari)
    html = client.get(reverse("inbox:post-detail", args=[post.pk])).content.decode()
    assert "Svar som venter på godkjenning" in html
    assert "Skrevet av Ingrid Berg" in html
    assert approve_url in html

    response = client.post(approve_url, follow=True)

    assert "Godkjent: svaret er sendt." in response.content.decode()
    assert OutboxMessage.objects.get().text == REPLY
    assert ReplyApproval.objects.get().status == "approved"


def test_the_writer_approving_their_own_reply_from_the_page_is_told_no(client, post, ingrid, approval_for_negative):
    approval = workflow.reply_to_post(post=post, user=ingrid, text=REPLY)
    client.force_login(ingrid)

    response = client.post(reverse("inbox:post-approve", args=[post.pk, approval.pk]), follow=True)

    assert "Noen andre må godkjenne svaret ditt." in response.content.decode()
    assert not OutboxMessage.objects.exists()
    assert ReplyApproval.objects.get().status == "pending"


def test_sending_back_needs_a_comment(post, ingrid, kari, approval_for_negative):
    approval = workflow.reply_to_post(post=post, user=ingrid, text=REPLY)

    with pytest.raises(ValidationError):
        workflow.send_back_reply(approval=approval, user=kari, comment="  ")

    approval.refresh_from_db()
    assert approval.status == "pending"
    assert not Notification.objects.filter(kind=Notification.Kind.SENT_BACK).exists()


def test_without_the_setting_a_reply_to_a_negative_post_goes_straight_out(post, ingrid, kari):
    assert InboxSettings.current().approval_for_negative is False

    outcome = workflow.reply_to_post(post=post, user=ingrid, text=REPLY)

    assert isinstance(outcome, OutboxMessage)
    assert (outcome.status, outcome.text) == ("sandbox", REPLY)
    assert not ReplyApproval.objects.exists()
    assert not Notification.objects.filter(kind=Notification.Kind.APPROVAL).exists()
    post.refresh_from_db()
    assert post.status == Post.Status.ANSWERED


def test_a_reply_to_a_post_that_is_not_negative_needs_no_approval(post, ingrid, approval_for_negative):
    Post.objects.filter(pk=post.pk).update(categories=["dissatisfied_customer"])
    post.refresh_from_db()

    outcome = workflow.reply_to_post(post=post, user=ingrid, text=REPLY)

    assert isinstance(outcome, OutboxMessage)
    assert not ReplyApproval.objects.exists()


def test_an_employee_answering_a_forwarded_negative_post_also_needs_approval(
    post, ingrid, kari, ola, approval_for_negative
):
    forward = workflow.forward_post(post=post, user=ingrid, to_user=ola, note="Du kjenner denne kunden.")

    approval = workflow.reply_to_post(post=post, user=ola, text=REPLY)

    assert isinstance(approval, ReplyApproval)
    assert (approval.status, approval.written_by) == ("pending", ola)
    assert not OutboxMessage.objects.exists()
    approvers = post.notifications.filter(kind=Notification.Kind.APPROVAL)
    assert set(approvers.values_list("user__username", flat=True)) == {"ingrid", "kari"}
    with pytest.raises(PermissionDenied):
        workflow.approve_reply(approval=approval, user=ola)

    message = workflow.approve_reply(approval=approval, user=ingrid)

    forward.refresh_from_db()
    post.refresh_from_db()
    assert (message.status, message.created_by) == ("sandbox", ola)
    assert post.status == Post.Status.ANSWERED
    assert forward.outcome == Forward.Outcome.ANSWERED


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_reviewers_approving_at_once_send_the_reply_once(settings, django_user_model, post):
    from socialstrategy.roles import apply_roles

    apply_roles()
    settings.SOCIAL_SANDBOX = True
    InboxSettings.objects.update_or_create(pk=1, defaults={"approval_for_negative": True})
    writer, *reviewers = (colleague(name, name.title(), "Test") for name in ("writer", "first", "second"))
    approval = workflow.reply_to_post(post=post, user=writer, text=REPLY)
    barrier = threading.Barrier(len(reviewers))
    outcomes = []

    def approve(reviewer):
        try:
            barrier.wait()
            workflow.approve_reply(
                approval=ReplyApproval.objects.get(pk=approval.pk), user=django_user_model.objects.get(pk=reviewer.pk)
            )
            outcomes.append(("approved", reviewer.pk))
        except ValidationError:
            outcomes.append(("refused", reviewer.pk))
        finally:
            connection.close()

    threads = [threading.Thread(target=approve, args=(reviewer,)) for reviewer in reviewers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcome for outcome, _ in outcomes) == ["approved", "refused"]
    [winner] = [pk for outcome, pk in outcomes if outcome == "approved"]
    message = OutboxMessage.objects.get()
    assert (message.text, message.in_reply_to_id) == (REPLY, post.pk)
    approval.refresh_from_db()
    assert (approval.status, approval.reviewed_by_id, approval.message_id) == ("approved", winner, message.pk)
    assert Post.objects.get(pk=post.pk).status == Post.Status.ANSWERED
    assert Activity.objects.filter(post=post, kind="approved").count() == 1
    assert Activity.objects.filter(post=post, kind="replied").count() == 1
