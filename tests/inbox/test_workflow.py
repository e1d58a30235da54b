"""
The work on a post at service level (inbox/workflow.py), per role: the communication
unit assigns, forwards, closes, marks spam and reopens; an employee answers or hands
back what is forwarded to them and sees nothing else; a manager touches nothing.
"""

from datetime import UTC, datetime

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation

from inbox import selectors
from inbox.models import Activity, Forward, Note, OutboxMessage, Post, ReplyApproval
from inbox.work import access
from inbox.work import actions as workflow
from socialstrategy import roles
from socialstrategy.models import Notification, NotificationPreference
from tests.factories import PostFactory, TeamFactory, UserFactory

PUBLISHED = datetime(2026, 5, 13, 8, tzinfo=UTC)
DUE = datetime(2026, 5, 13, 14, tzinfo=UTC)
MORNING = datetime(2026, 5, 13, 10, tzinfo=UTC)  # "now" for the queues: the post is due today


def person(username: str, first_name: str, last_name: str, role: str | None = None):
    user = UserFactory(username=username, first_name=first_name, last_name=last_name)
    if role:
        user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def kari(db):
    """Kari works in the communication unit too."""
    return person("kari", "Kari", "Lie", roles.COMMUNICATION_UNIT)


@pytest.fixture
def per(db):
    """Per is an employee in customer service, like Ola."""
    return person("per", "Per", "Moe", roles.EMPLOYEE)


@pytest.fixture
def post(db, settings):
    settings.SOCIAL_SANDBOX = True
    return PostFactory(
        channel__name="Facebook",
        external_id="123_456",
        author=None,
        text="Hvorfor er pakken min ikke kommet?",
        published_at=PUBLISHED,
        must_reply=True,
        status="open",
        categories=["product_question"],
        due_at=DUE,
    )


def notified(kind: str, post: Post) -> set[str]:
    return set(post.notifications.filter(kind=kind).values_list("user__username", flat=True))


# --- Assigning -----------------------------------------------------------------------


def test_assigning_to_a_colleague_gives_them_the_post_tells_them_and_logs_it(post, ingrid, kari):
    workflow.assign_post(post=post, user=ingrid, to_user=kari)

    post.refresh_from_db()
    assert post.assignee == kari
    notification = post.notifications.get()
    assert (notification.user, notification.kind) == (kari, Notification.Kind.ASSIGNED)
    activity = Activity.objects.get(post=post)
    assert (activity.kind, activity.actor, activity.detail) == (Activity.Kind.ASSIGNED, ingrid, "Kari Lie")


def test_assigning_to_a_team_tells_its_members_but_not_the_one_who_assigned(post, ingrid, kari, ola):
    team = TeamFactory(name_nb="Kundeservice", name_en="Customer service")
    team.members.add(ingrid, kari, ola)

    workflow.assign_post(post=post, user=ingrid, to_team=team)

    post.refresh_from_db()
    assert post.team == team
    assert notified(Notification.Kind.ASSIGNED, post) == {"kari", "ola"}
    activity = Activity.objects.get(post=post)
    assert (activity.kind, activity.actor, activity.detail) == (Activity.Kind.ASSIGNED, ingrid, "Kundeservice")


def test_only_a_member_of_the_communication_unit_can_be_given_a_post(post, ingrid, ola):
    with pytest.raises(ValidationError):
        workflow.assign_post(post=post, user=ingrid, to_user=ola)

    post.refresh_from_db()
    assert post.assignee is None
    assert not Notification.objects.exists()
    assert not Activity.objects.exists()


# --- Nothing of the communication unit's work for a manager or an employee -------------

COMMUNICATION_UNIT_ACTIONS = {
    "claim": lambda post, user, ctx: workflow.claim_post(post=post, user=user),
    "release": lambda post, user, ctx: workflow.release_post(post=post, user=user),
    "assign": lambda post, user, ctx: workflow.assign_post(post=post, user=user, to_user=ctx["kari"]),
    "forward": lambda post, user, ctx: workflow.forward_post(post=post, user=user, note="Svar?", to_team=ctx["team"]),
    "close": lambda post, user, ctx: workflow.close_post(post=post, user=user, reason="no_reply_needed"),
    "mark_spam": lambda post, user, ctx: workflow.mark_spam(post=post, user=user),
    "reopen": lambda post, user, ctx: workflow.reopen_post(post=post, user=user),
    "reply": lambda post, user, ctx: workflow.reply_to_post(post=post, user=user, text="Hei!"),
    "add_note": lambda post, user, ctx: workflow.add_note(post=post, user=user, text="Notat"),
    "approve_reply": lambda post, user, ctx: workflow.approve_reply(approval=ctx["approval"], user=user),
    "send_back_reply": lambda post, user, ctx: workflow.send_back_reply(
        approval=ctx["approval"], user=user, comment="Mykere tone"
    ),
}


@pytest.mark.parametrize("action", COMMUNICATION_UNIT_ACTIONS)
@pytest.mark.parametrize("persona", ["lars", "ola"])
def test_a_manager_and_an_employee_may_do_none_of_the_communication_units_actions(request, post, kari, persona, action):
    user = request.getfixturevalue(persona)
    team = TeamFactory()
    team.members.add(user)
    Post.objects.filter(pk=post.pk).update(assignee=kari)
    approval = ReplyApproval.objects.create(post=post, text="Beklager, vi ser på det.", written_by=kari)
    post.refresh_from_db()

    with pytest.raises(PermissionDenied):
        COMMUNICATION_UNIT_ACTIONS[action](post, user, {"kari": kari, "team": team, "approval": approval})

    post.refresh_from_db()
    approval.refresh_from_db()
    assert (post.status, post.assignee, post.team, post.close_reason) == ("open", kari, None, "")
    assert approval.status == ReplyApproval.Status.PENDING
    assert not Activity.objects.exists()
    assert not Forward.objects.exists()
    assert not Note.objects.exists()
    assert not OutboxMessage.objects.exists()
    assert not Notification.objects.exists()


# --- Forwarding to an employee ---------------------------------------------------------


def test_forwarding_to_an_employee_tells_them_in_the_app_and_by_email(
    post, ingrid, ola, django_capture_on_commit_callbacks, eager_tasks
):
    with django_capture_on_commit_callbacks(execute=True):
        workflow.forward_post(post=post, user=ingrid, to_user=ola, note="Kan du sjekke sendingen?")

    notification = post.notifications.get()
    assert (notification.user, notification.kind, notification.text) == (
        ola,
        Notification.Kind.FORWARDED,
        "Kan du sjekke sendingen?",
    )
    assert notification.emailed_at is not None
    [email] = mail.outbox
    assert email.to == ["ola@bedriften.example"]
    assert email.subject == "[socialstrategy] videresendt til deg"
    assert "Et innlegg er videresendt til deg: Hvorfor er pakken min ikke kommet?" in email.body
    assert "Kan du sjekke sendingen?" in email.body
    assert reverse("inbox:post-detail", args=[post.pk]) in email.body


def test_a_forward_keeps_the_deadline_and_the_employee_views_and_answers_the_post(post, ingrid, ola):
    forward = workflow.forward_post(
        post=post, user=ingrid, to_user=ola, note="Kan du svare?", link="https://intranett.example/frakt"
    )

    post.refresh_from_db()
    assert post.due_at == DUE
    assert post.assignee == ola
    assert (forward.sent_by, forward.to_user, forward.link) == (ingrid, ola, "https://intranett.example/frakt")
    assert access.can_view(ola, post)
    assert access.can_answer(ola, post)
    assert list(selectors.queue_posts("forwarded", ola)) == [post]
    assert Activity.objects.filter(post=post, kind="forwarded", actor=ingrid).exists()

    message = workflow.reply_to_post(post=post, user=ola, text="Pakken er sendt i dag.")

    post.refresh_from_db()
    forward.refresh_from_db()
    assert (message.status, message.text, message.created_by) == ("sandbox", "Pakken er sendt i dag.", ola)
    assert post.status == Post.Status.ANSWERED
    assert post.first_response_at is not None
    assert forward.outcome == Forward.Outcome.ANSWERED
    assert forward.ended_at is not None
    assert Activity.objects.filter(post=post, kind="replied", actor=ola).exists()
    assert not access.can_answer(ola, post)
    assert list(selectors.queue_posts("forwarded", ola)) == []
    assert access.can_view(ola, post)  # what they answered stays readable


def test_the_forward_is_logged_with_the_recipients_name_and_the_note(post, ingrid, ola):
    workflow.forward_post(post=post, user=ingrid, to_user=ola, note="Kan du svare?")

    activity = Activity.objects.get(post=post)

    # As the assignment's entry names "Kari Lie", and the page names people everywhere else.
    assert (activity.kind, activity.actor, activity.detail) == ("forwarded", ingrid, "Ola Hansen: Kan du svare?")


def test_an_employee_cannot_view_a_post_never_forwarded_to_them(client, post, ingrid, ola):
    other = Post.objects.create(
        channel=post.channel, external_id="789", kind="comment", text="Annet", published_at=PUBLISHED, status="open"
    )
    workflow.forward_post(post=other, user=ingrid, to_user=ola, note="Denne er din")
    client.force_login(ola)

    response = client.get(reverse("inbox:post-detail", args=[post.pk]))

    assert not access.can_view(ola, post)
    assert not access.can_answer(ola, post)
    assert response.status_code == 403
    assert client.get(reverse("inbox:post-detail", args=[other.pk])).status_code == 200


def test_handing_back_returns_the_post_to_its_sender_who_is_told(post, ingrid, ola):
    forward = workflow.forward_post(post=post, user=ingrid, to_user=ola, note="Kan du svare?")

    workflow.hand_back(post=post, user=ola, note="Lageret vet mer om dette.")

    post.refresh_from_db()
    forward.refresh_from_db()
    assert post.assignee == ingrid
    assert (forward.outcome, forward.return_note) == (Forward.Outcome.HANDED_BACK, "Lageret vet mer om dette.")
    assert forward.ended_at is not None
    notification = Notification.objects.get(kind=Notification.Kind.HANDED_BACK)
    assert (notification.user, notification.target, notification.text) == (ingrid, post, "Lageret vet mer om dette.")
    assert Activity.objects.filter(post=post, kind="handed_back", actor=ola).exists()
    assert not access.can_answer(ola, post)
    with pytest.raises(PermissionDenied):
        workflow.reply_to_post(post=post, user=ola, text="Likevel et svar")
    assert not OutboxMessage.objects.exists()


def test_handing_back_a_post_triage_routed_tells_the_whole_communication_unit(post, ingrid, kari, ola):
    forward = Forward.objects.create(post=post, sent_by=None, to_user=ola, note="")
    Post.objects.filter(pk=post.pk).update(assignee=ola)
    post.refresh_from_db()

    workflow.hand_back(post=post, user=ola, note="Ikke kundeservice sin sak.")

    post.refresh_from_db()
    forward.refresh_from_db()
    assert post.assignee is None
    assert forward.outcome == Forward.Outcome.HANDED_BACK
    assert notified(Notification.Kind.HANDED_BACK, post) == {"ingrid", "kari"}
    assert not access.can_answer(ola, post)


def test_forwarding_to_a_team_tells_each_member(post, ingrid, ola, per):
    team = TeamFactory(name_nb="Kundeservice", name_en="Customer service")
    team.members.add(ingrid, ola, per)

    workflow.forward_post(post=post, user=ingrid, to_team=team, note="Hvem kan ta denne?")

    post.refresh_from_db()
    assert post.assignee is None
    assert notified(Notification.Kind.FORWARDED, post) == {"ola", "per"}
    assert access.can_answer(ola, post) and access.can_answer(per, post)
    assert list(selectors.queue_posts("forwarded", per)) == [post]


# --- Closing, spam, reopening ----------------------------------------------------------


def test_closing_an_unanswered_must_reply_post_needs_a_reason(post, ingrid):
    with pytest.raises(ValidationError) as refused:
        workflow.close_post(post=post, user=ingrid)

    with translation.override("nb"):
        assert refused.value.messages == [
            "Dette innlegget skal besvares og har ikke fått svar: si hvorfor du lukker det."
        ]
    post.refresh_from_db()
    assert (post.status, post.closed_at) == ("open", None)
    assert not Activity.objects.exists()


def test_closing_with_a_reason_takes_the_post_out_of_must_reply_today(post, ingrid, ola):
    forward = workflow.forward_post(post=post, user=ingrid, to_user=ola, note="Kan du svare?")
    assert post in selectors.queue_posts("today", ingrid, now=MORNING)

    with translation.override("nb"):
        workflow.close_post(post=post, user=ingrid, reason="answered_elsewhere", note="Svart på telefon")

    post.refresh_from_db()
    forward.refresh_from_db()
    assert (post.status, post.close_reason) == ("closed", "answered_elsewhere")
    assert post.closed_at is not None
    assert post not in selectors.queue_posts("today", ingrid, now=MORNING)
    assert forward.outcome == Forward.Outcome.WITHDRAWN
    assert not access.can_answer(ola, post)
    closed = Activity.objects.get(post=post, kind="closed")
    assert (closed.actor, closed.detail) == (ingrid, "besvart et annet sted · Svart på telefon")


def test_marking_spam_closes_the_post_as_spam(post, ingrid):
    workflow.mark_spam(post=post, user=ingrid)

    post.refresh_from_db()
    assert (post.status, post.close_reason) == ("closed", "spam")
    assert post not in selectors.queue_posts("today", ingrid, now=MORNING)
    assert Activity.objects.filter(post=post, kind="spam", actor=ingrid).exists()


def test_reopening_puts_a_closed_post_back_in_the_queue(post, ingrid):
    workflow.mark_spam(post=post, user=ingrid)

    workflow.reopen_post(post=post, user=ingrid)

    post.refresh_from_db()
    assert (post.status, post.closed_at, post.close_reason) == ("open", None, "")
    assert post in selectors.queue_posts("today", ingrid, now=MORNING)
    assert list(Activity.objects.filter(post=post).values_list("kind", flat=True)) == ["reopened", "spam"]


# --- Email preferences -----------------------------------------------------------------


def test_someone_who_unticked_forwarded_gets_the_notification_but_no_email(
    post, ingrid, ola, django_capture_on_commit_callbacks, eager_tasks
):
    kinds = [kind for kind in Notification.Kind.values if kind != Notification.Kind.FORWARDED]
    NotificationPreference.objects.create(user=ola, email_kinds=kinds)

    with django_capture_on_commit_callbacks(execute=True):
        workflow.forward_post(post=post, user=ingrid, to_user=ola, note="Kan du svare?")

    notification = post.notifications.get(user=ola)
    assert notification.kind == Notification.Kind.FORWARDED
    assert notification.emailed_at is None
    assert mail.outbox == []
