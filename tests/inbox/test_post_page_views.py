"""
The post's page and the pages around it, through the test client, per role: what
the communication unit, an employee and a manager see there and may do.
"""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from inbox.models import Activity, Forward, InboxSettings, Note, OutboxMessage, Post, ReplyApproval, SavedReply
from inbox.work import actions as workflow
from socialstrategy import roles
from socialstrategy.models import NotificationPreference
from tests.factories import AuthorFactory, ChannelFactory, PostFactory, UserFactory

PUBLISHED = datetime(2026, 5, 13, 8, tzinfo=UTC)


@pytest.fixture
def author(db):
    return AuthorFactory(platform="facebook", external_id="900", name="Kari Nordmann", handle="kari.n")


@pytest.fixture
def facebook(db):
    return ChannelFactory(name="Facebook Bedriften")


@pytest.fixture
def post(db, settings, facebook, author):
    settings.SOCIAL_SANDBOX = True
    return PostFactory(
        channel=facebook,
        external_id="123_456",
        text="Pakken min er ikke kommet.",
        author=author,
        published_at=PUBLISHED,
        must_reply=True,
        status="open",
        categories=["dissatisfied_customer"],
        due_at=PUBLISHED + timedelta(hours=6),
    )


def page_of(client, post: Post):
    return client.get(reverse("inbox:post-detail", args=[post.pk]))


def thread_entries(html: str) -> list[tuple[str, str]]:
    """The thread's entries as (css classes, inner html), oldest first."""
    thread = re.search(r'<ol class="thread">(.*?)</ol>', html, re.S).group(1)
    return re.findall(r'<li class="(thread-entry[^"]*)"[^>]*>(.*?)</li>', thread, re.S)


def field_error(html: str, field_id: str) -> str:
    """The error shown next to a field (its <small id="..._error">), or ''."""
    found = re.search(rf'<small class="form-error" id="{field_id}_error" role="alert">(.*?)</small>', html, re.S)
    return found.group(1) if found else ""


# --- What the page shows -------------------------------------------------------------


def test_the_page_shows_the_thread_with_our_replies_marked(client, post, facebook, author, ingrid):
    root = Post.objects.create(
        channel=facebook,
        external_id="123",
        kind="post",
        text="Vi har nye åpningstider fra mandag.",
        is_ours=True,
        published_at=PUBLISHED - timedelta(days=1),
    )
    Post.objects.filter(pk=post.pk).update(parent=root, thread_root=root)
    Post.objects.create(
        channel=facebook,
        external_id="123_789",
        kind="reply",
        text="Hei Kari, vi sjekker med transportøren.",
        is_ours=True,
        parent=post,
        thread_root=root,
        published_at=PUBLISHED + timedelta(minutes=30),
    )
    OutboxMessage.objects.create(
        channel=facebook,
        action="reply",
        in_reply_to=post,
        text="Pakken er nå levert på posten.",
        status="sandbox",
        created_by=ingrid,
        created_at=PUBLISHED + timedelta(hours=1),
    )
    client.force_login(ingrid)

    html = page_of(client, post).content.decode()

    assert '<h2 id="thread-heading">Samtalen</h2>' in html
    entries = thread_entries(html)
    assert len(entries) == 4
    (root_css, root_html), (post_css, post_html), (echo_css, echo_html), (sent_css, sent_html) = entries
    ours = '<span class="badge badge-ours">Oss</span>'
    assert "ours" in root_css.split() and ours in root_html and "Vi har nye åpningstider fra mandag." in root_html
    assert post_css.split() == ["thread-entry", "this-post"] and ours not in post_html
    assert "Kari Nordmann" in post_html and "dette innlegget" in post_html and "Pakken min er ikke kommet." in post_html
    assert "ours" in echo_css.split() and ours in echo_html and "Hei Kari, vi sjekker med transportøren." in echo_html
    assert "ours" in sent_css.split() and ours in sent_html and "Pakken er nå levert på posten." in sent_html
    assert "Ingrid Berg · registrert i sandkassen" in sent_html  # who sent it from here, and where it went


def test_the_page_shows_the_authors_earlier_posts_on_other_channels_and_their_complaints(client, post, author, ingrid):
    messenger = ChannelFactory(name="Messenger Bedriften")
    complaint = Post.objects.create(
        channel=messenger,
        external_id="m1",
        kind="direct_message",
        text="Dere svarer aldri på telefon.",
        author=author,
        published_at=PUBLISHED - timedelta(days=3),
        must_reply=True,
        categories=["dissatisfied_customer", "negative"],
        status="answered",
        first_response_at=PUBLISHED - timedelta(days=3) + timedelta(hours=1),
    )
    OutboxMessage.objects.create(
        channel=messenger,
        action="reply",
        in_reply_to=complaint,
        text="Beklager ventetiden, vi ringer deg i dag.",
        status="sandbox",
    )
    Post.objects.create(
        channel=messenger,
        external_id="m2",
        kind="direct_message",
        text="Har dere gavekort?",
        author=author,
        published_at=PUBLISHED - timedelta(days=10),
        categories=["product_question"],
        status="closed",
    )
    client.force_login(ingrid)

    response = page_of(client, post)

    history = response.context["history"]
    assert (history.total, history.complaints, history.must_reply, history.answered) == (2, 1, 1, 1)
    assert history.channels == ["Messenger Bedriften"]
    html = response.content.decode()
    start = html.index('id="author-heading"')
    section = html[start : html.index("</section>", start)]
    assert "Forfatterens historikk" in section
    assert "2 andre innlegg (Messenger Bedriften)" in section
    assert "1 klage" in section
    assert "1 besvart, 1 måtte besvares" in section
    assert "Dere svarer aldri på telefon." in section
    assert "Har dere gavekort?" in section
    assert "Messenger Bedriften" in section
    assert "Beklager ventetiden, vi ringer deg i dag." in section  # our earlier reply
    assert "Misfornøyd kunde" in section  # the complaint's category chip


def test_a_note_added_on_the_page_is_shown_with_its_author(client, post, ingrid):
    client.force_login(ingrid)

    response = client.post(
        reverse("inbox:post-note", args=[post.pk]), {"note-text": "Kunden har ringt to ganger."}, follow=True
    )

    note = Note.objects.get()
    assert (note.post, note.author, note.text) == (post, ingrid, "Kunden har ringt to ganger.")
    html = response.content.decode()
    assert "Notatet ditt er lagt til." in html
    assert '<h2 id="notes-heading">Interne notater</h2>' in html
    notes = html[html.index('id="notes-heading"') : html.index('id="activity-heading"')]
    assert "Kunden har ringt to ganger." in notes
    assert "Ingrid Berg" in notes
    assert not OutboxMessage.objects.exists()  # a note never goes to the platform


def test_the_activity_log_lists_what_happened_newest_first(client, post, ingrid):
    Activity.objects.create(post=post, actor=None, kind="triaged", created_at=timezone.now() - timedelta(hours=1))
    client.force_login(ingrid)
    client.post(reverse("inbox:post-claim", args=[post.pk]))
    client.post(reverse("inbox:post-release", args=[post.pk]))

    html = page_of(client, post).content.decode()

    log = html[html.index('id="activity-heading"') :]
    lines = re.findall(r"</time> · (.*?)</li>", log)
    assert lines == ["frigitt · Ingrid Berg", "tatt · Ingrid Berg", "sortert · systemet"]


# --- A form with an error ------------------------------------------------------------


def test_a_forward_without_a_note_is_shown_again_with_the_error_and_the_typed_link(client, post, ingrid, ola):
    client.force_login(ingrid)

    response = client.post(
        reverse("inbox:post-forward", args=[post.pk]),
        {"forward-to_user": ola.pk, "forward-note": "", "forward-link": "https://intranett.example/frakt"},
        follow=True,
    )

    # Back at the post's own page (post-redirect-get): a reload does not send the form again.
    assert response.redirect_chain == [(reverse("inbox:post-detail", args=[post.pk]) + "#forward-panel", 302)]
    html = response.content.decode()
    assert field_error(html, "id_forward-note") == "Dette feltet er påkrevd."
    assert '<details id="forward-panel" open>' in html
    assert 'value="https://intranett.example/frakt"' in html  # what was typed is kept
    assert f'<option value="{ola.pk}" selected>' in html
    assert not Forward.objects.exists()


def test_closing_a_must_reply_post_without_a_reason_is_shown_again_with_the_error(client, post, ingrid):
    client.force_login(ingrid)

    response = client.post(
        reverse("inbox:post-close", args=[post.pk]),
        {"close-reason": "", "close-note": "Kunden ringte oss"},
        follow=True,
    )

    assert response.redirect_chain == [(reverse("inbox:post-detail", args=[post.pk]) + "#close-panel", 302)]
    html = response.content.decode()
    assert field_error(html, "id_close-reason") == "Dette feltet er påkrevd."
    assert '<details id="close-panel" open>' in html
    assert 'value="Kunden ringte oss"' in html  # what was typed is kept
    post.refresh_from_db()
    assert post.status == "open"


# --- Saved replies -------------------------------------------------------------------


def test_choosing_a_saved_reply_fills_the_reply_box_with_the_placeholders_filled(client, post, ingrid):
    saved = SavedReply.objects.create(
        title="Forsinket pakke",
        category="dissatisfied_customer",
        text="Hei {author_first_name}! Beklager at pakken er forsinket. Hilsen {my_first_name}, {channel}",
    )
    client.force_login(ingrid)

    response = client.get(reverse("inbox:post-detail", args=[post.pk]), {"saved": saved.pk})

    filled = "Hei Kari! Beklager at pakken er forsinket. Hilsen Ingrid, Facebook Bedriften"
    assert response.context["reply_form"].initial["text"] == filled
    html = response.content.decode()
    assert re.search(rf'<textarea name="reply-text"[^>]*>\s*{re.escape(filled)}</textarea>', html)
    assert f'<option value="{saved.pk}" data-text="{filled}" selected>' in html


def test_the_communication_unit_creates_a_saved_reply(client, ingrid):
    client.force_login(ingrid)

    response = client.post(
        reverse("inbox:saved-reply-create"),
        {"title": "Takk", "category": "", "language": "nb", "text": "Takk, {author_first_name}!", "enabled": "on"},
        follow=True,
    )

    assert response.redirect_chain == [(reverse("inbox:saved-replies"), 302)]
    saved = SavedReply.objects.get()
    assert (saved.title, saved.text, saved.language, saved.enabled) == (
        "Takk",
        "Takk, {author_first_name}!",
        "nb",
        True,
    )
    html = response.content.decode()
    assert "Det lagrede svaret «Takk» er klart til bruk." in html
    assert "Takk, {author_first_name}!" in html


def test_a_saved_reply_with_an_unknown_placeholder_is_refused_naming_it(client, ingrid):
    client.force_login(ingrid)

    response = client.post(
        reverse("inbox:saved-reply-create"),
        {"title": "Ordre", "category": "", "language": "nb", "text": "Hei {author_name}, ordre {ordrenummer}."},
        follow=True,
    )

    assert response.redirect_chain == [(reverse("inbox:saved-reply-create"), 302)]
    error = field_error(response.content.decode(), "id_text")
    assert error == "Ukjent plassholder: {ordrenummer}. Bruk en av dem som står nedenfor."  # not {author_name}
    assert not SavedReply.objects.exists()


def test_the_communication_unit_edits_and_deletes_a_saved_reply(client, ingrid):
    saved = SavedReply.objects.create(title="Takk", text="Takk!")
    client.force_login(ingrid)

    client.post(
        reverse("inbox:saved-reply-update", args=[saved.pk]),
        {"title": "Takk", "category": "", "language": "en", "text": "Thank you, {author_first_name}!"},
    )
    saved.refresh_from_db()
    assert (saved.language, saved.text, saved.enabled) == ("en", "Thank you, {author_first_name}!", False)

    response = client.post(reverse("inbox:saved-reply-delete", args=[saved.pk]))

    assert response.status_code == 302
    assert not SavedReply.objects.exists()


def test_a_manager_reads_the_saved_replies_but_cannot_change_them(client, lars):
    saved = SavedReply.objects.create(title="Takk", text="Takk for at du skrev!")
    client.force_login(lars)

    listing = client.get(reverse("inbox:saved-replies"))

    assert listing.status_code == 200
    assert "Takk for at du skrev!" in listing.content.decode()
    assert reverse("inbox:saved-reply-create") not in listing.content.decode()
    assert client.get(reverse("inbox:saved-reply-create")).status_code == 403
    new = {"title": "Ny", "category": "", "language": "nb", "text": "Hei!", "enabled": "on"}
    assert client.post(reverse("inbox:saved-reply-create"), new).status_code == 403
    assert client.post(reverse("inbox:saved-reply-update", args=[saved.pk]), new).status_code == 403
    assert client.post(reverse("inbox:saved-reply-delete", args=[saved.pk])).status_code == 403
    assert list(SavedReply.objects.values_list("title", flat=True)) == ["Takk"]


# --- The approval setting and the email preference ------------------------------------


def test_the_communication_unit_switches_approval_on_and_off_on_the_rules_page(client, ingrid):
    client.force_login(ingrid)

    response = client.post(reverse("inbox:inbox-settings"), {"approval_for_negative": "on"}, follow=True)

    assert response.redirect_chain == [(reverse("inbox:rules") + "#care-heading", 302)]
    assert InboxSettings.current().approval_for_negative is True
    html = response.content.decode()
    assert "Fra nå av venter et svar på et negativt innlegg på godkjenning fra en kollega." in html
    assert re.search(r'<input type="checkbox" name="approval_for_negative"[^>]* checked>', html)

    response = client.post(reverse("inbox:inbox-settings"), {}, follow=True)

    assert InboxSettings.current().approval_for_negative is False
    html = response.content.decode()
    assert "Svar på negative innlegg sendes uten godkjenning." in html
    assert not re.search(r'<input type="checkbox" name="approval_for_negative"[^>]* checked>', html)


def test_a_manager_cannot_change_the_approval_setting(client, lars):
    client.force_login(lars)

    response = client.post(reverse("inbox:inbox-settings"), {"approval_for_negative": "on"})

    assert response.status_code == 403
    assert InboxSettings.current().approval_for_negative is False


def test_unticking_forwarded_on_the_notifications_page_stops_those_emails(
    client, post, ingrid, ola, django_capture_on_commit_callbacks, eager_tasks
):
    client.force_login(ola)
    page = client.get(reverse("notifications")).content.decode()
    assert re.search(r'<input type="checkbox" name="email_kinds" value="forwarded"[^>]* checked>', page)

    response = client.post(reverse("notification-preference"), {"email_kinds": ["breach", "assigned"]}, follow=True)

    assert NotificationPreference.objects.get(user=ola).email_kinds == ["breach", "assigned"]
    page = response.content.decode()
    assert "E-postinnstillingene dine er lagret." in page
    assert re.search(r'<input type="checkbox" name="email_kinds" value="breach"[^>]* checked>', page)
    assert not re.search(r'<input type="checkbox" name="email_kinds" value="forwarded"[^>]* checked>', page)

    with django_capture_on_commit_callbacks(execute=True):
        workflow.forward_post(post=post, user=ingrid, to_user=ola, note="Kan du svare?")

    assert post.notifications.filter(user=ola, kind="forwarded").exists()
    assert mail.outbox == []


def test_an_unknown_kind_on_the_notifications_page_changes_nothing(client, ola):
    NotificationPreference.objects.create(user=ola, email_kinds=["forwarded"])
    client.force_login(ola)

    response = client.post(
        reverse("notification-preference"), {"email_kinds": ["forwarded", "everything"]}, follow=True
    )

    assert "Velg blant typene i listen." in response.content.decode()
    assert NotificationPreference.objects.get(user=ola).email_kinds == ["forwarded"]


# --- An employee ---------------------------------------------------------------------


def test_an_employee_works_from_forwarded_to_me_alone(client, post, facebook, ingrid, ola):
    other = Post.objects.create(
        channel=facebook,
        external_id="999",
        kind="comment",
        text="Når åpner dere?",
        published_at=PUBLISHED,
        must_reply=True,
        status="open",
        due_at=PUBLISHED + timedelta(hours=1),
    )
    workflow.forward_post(post=post, user=ingrid, to_user=ola, note="Kan du svare?")
    client.force_login(ola)

    response = client.get(reverse("inbox:forwarded"))

    assert response.status_code == 200
    assert [queue.slug for queue in response.context["queues"]] == ["forwarded"]
    assert response.context["page"].posts == [post]
    html = response.content.decode()
    assert "<h1>Videresendt til meg</h1>" in html
    assert "Pakken min er ikke kommet." in html
    assert "Når åpner dere?" not in html
    assert reverse("inbox:queue", args=["today"]) not in html
    assert client.get(reverse("inbox:queue", args=["today"])).status_code == 403
    assert client.get(reverse("inbox:post-detail", args=[other.pk])).status_code == 403


def test_an_employee_answers_a_post_forwarded_to_them_from_its_page(client, post, ingrid, ola):
    client.force_login(ingrid)
    forwarded = client.post(
        reverse("inbox:post-forward", args=[post.pk]),
        {"forward-to_user": ola.pk, "forward-note": "Kan du sjekke sendingen?"},
        follow=True,
    )
    assert "Videresendt til Ola Hansen; svarfristen løper fortsatt." in forwarded.content.decode()
    client.force_login(ola)

    page = page_of(client, post)

    html = page.content.decode()
    assert "Ingrid Berg har videresendt dette innlegget til deg:</strong> Kan du sjekke sendingen?" in html
    assert reverse("inbox:post-reply", args=[post.pk]) in html
    assert reverse("inbox:post-hand-back", args=[post.pk]) in html
    assert reverse("inbox:post-claim", args=[post.pk]) not in html
    assert reverse("inbox:post-forward", args=[post.pk]) not in html

    response = client.post(reverse("inbox:post-reply", args=[post.pk]), {"reply-text": "Den er sendt i dag."})

    assert response.status_code == 302
    assert OutboxMessage.objects.get().created_by == ola
    assert Forward.objects.get().outcome == Forward.Outcome.ANSWERED


def test_an_employee_may_not_forward_close_or_claim_a_post_forwarded_to_them(client, post, ingrid, ola):
    workflow.forward_post(post=post, user=ingrid, to_user=ola, note="Kan du svare?")
    client.force_login(ola)

    statuses = [
        client.post(reverse("inbox:post-forward", args=[post.pk]), {"forward-to_user": ingrid.pk, "forward-note": "x"}),
        client.post(reverse("inbox:post-close", args=[post.pk]), {"close-reason": "no_reply_needed"}),
        client.post(reverse("inbox:post-claim", args=[post.pk])),
        client.post(reverse("inbox:post-spam", args=[post.pk])),
    ]

    assert [response.status_code for response in statuses] == [403, 403, 403, 403]
    post.refresh_from_db()
    assert (post.status, post.assignee) == ("open", ola)


# --- A manager -----------------------------------------------------------------------


def test_a_manager_reads_the_post_page_without_the_forms_to_act(client, post, lars):
    client.force_login(lars)

    response = page_of(client, post)

    assert response.status_code == 200
    html = response.content.decode()
    assert "Pakken min er ikke kommet." in html
    for name in ("post-reply", "post-forward", "post-close", "post-claim", "post-note", "post-spam"):
        assert reverse(f"inbox:{name}", args=[post.pk]) not in html, name


def test_a_manager_is_refused_every_action_on_the_post(client, post, lars, ola, ingrid):
    kari = UserFactory(username="kari", first_name="Kari", last_name="Lie")
    kari.groups.add(Group.objects.get(name=roles.COMMUNICATION_UNIT))
    approval = ReplyApproval.objects.create(post=post, text="Beklager!", written_by=kari)
    client.force_login(lars)
    attempts = {
        "post-reply": {"reply-text": "Hei!"},
        "post-forward": {"forward-to_user": ola.pk, "forward-note": "Svar på denne"},
        "post-close": {"close-reason": "no_reply_needed"},
        "post-claim": {},
        "post-release": {},
        "post-assign": {"assign-to_user": ingrid.pk},
        "post-spam": {},
        "post-reopen": {},
        "post-note": {"note-text": "Notat"},
    }

    statuses = {
        name: client.post(reverse(f"inbox:{name}", args=[post.pk]), data).status_code for name, data in attempts.items()
    }
    for name in ("post-approve", "post-send-back"):
        url = reverse(f"inbox:{name}", args=[post.pk, approval.pk])
        statuses[name] = client.post(url, {"review-comment": "Nei"}).status_code

    assert statuses == dict.fromkeys([*attempts, "post-approve", "post-send-back"], 403)
    post.refresh_from_db()
    assert (post.status, post.assignee) == ("open", None)
    assert ReplyApproval.objects.get().status == "pending"
    assert not OutboxMessage.objects.exists()
    assert not Forward.objects.exists()
    assert not Note.objects.exists()
    assert not Activity.objects.exists()


def test_after_a_form_error_a_reload_shows_the_page_afresh_and_sends_nothing(client, post, ingrid, ola):
    client.force_login(ingrid)
    client.post(reverse("inbox:post-forward", args=[post.pk]), {"forward-to_user": ola.pk, "forward-note": ""})

    shown = client.get(reverse("inbox:post-detail", args=[post.pk])).content.decode()
    reloaded = client.get(reverse("inbox:post-detail", args=[post.pk])).content.decode()

    assert field_error(shown, "id_forward-note") == "Dette feltet er påkrevd."
    assert 'id="id_forward-note_error"' not in reloaded and '<details id="forward-panel" open>' not in reloaded
    assert not Forward.objects.exists()


def test_an_error_found_by_the_service_survives_the_redirect(client, post, ingrid, ola):
    post.status = "answered"
    post.save()
    client.force_login(ingrid)

    response = client.post(
        reverse("inbox:post-forward", args=[post.pk]),
        {"forward-to_user": ola.pk, "forward-note": "Kan du se på denne?"},
        follow=True,
    )

    html = response.content.decode()
    assert response.redirect_chain[-1][0].endswith("#forward-panel")
    # Said at the top of the page: the answered post no longer shows the forward form.
    assert "Bare åpne innlegg kan videresendes." in html.split('class="messages"')[1].split("</ul>")[0]
    assert not Forward.objects.exists()


def test_an_author_without_a_name_is_not_shown_as_a_number(client, ingrid):
    from tests.factories import AuthorFactory, PostFactory

    nameless = AuthorFactory(platform="facebook", name="", handle="", external_id="7192705403479319")
    post = PostFactory(author=nameless, channel__platform="facebook", must_reply=True, status="open")
    client.force_login(ingrid)

    page = client.get(reverse("inbox:post-detail", args=[post.pk])).content.decode()
    queue = client.get(reverse("inbox:queue", args=["all"])).content.decode()

    assert "Innlegg fra <bdi>en Facebook-bruker uten navn</bdi>" in page
    assert "7192705403479319" not in page.split("<h1")[1].split("</h1>")[0]
    assert "en Facebook-bruker uten navn" in queue


def test_one_person_across_platforms_is_linked_and_their_history_is_one(client, ingrid, lars):
    from inbox.models import Author
    from tests.factories import AuthorFactory, ChannelFactory, PostFactory

    facebook, x = ChannelFactory(platform="facebook", name="Facebook"), ChannelFactory(platform="x", name="X")
    on_facebook = AuthorFactory(platform="facebook", name="Kari Nordmann", external_id="fb-1")
    on_x = AuthorFactory(platform="x", name="Kari Nordmann", handle="@kari_n", external_id="x-1")
    post = PostFactory(channel=facebook, author=on_facebook, text="Når kommer pakken min?")
    PostFactory(channel=x, author=on_x, text="@Bedriften tredje gang jeg spør om pakken 😡", categories=["negative"])
    client.force_login(ingrid)
    page = reverse("inbox:post-detail", args=[post.pk])

    before = client.get(page).content.decode()
    assert "Samme person?" in before and "tredje gang jeg spør" not in before

    response = client.post(reverse("inbox:post-author-link", args=[post.pk]), {"other": on_x.pk}, follow=True)

    html = response.content.decode()
    assert Author.objects.get(pk=on_facebook.pk).person_id == Author.objects.get(pk=on_x.pk).person_id is not None
    assert "tredje gang jeg spør" in html and "Samme person andre steder" in html
    assert "1 annet innlegg (X)" in html

    client.post(reverse("inbox:post-author-unlink", args=[post.pk]), {"account": on_x.pk})
    assert Author.objects.filter(person__isnull=False).count() == 0
    # A manager reads the history but links nothing.
    client.force_login(lars)
    assert client.post(reverse("inbox:post-author-link", args=[post.pk]), {"other": on_x.pk}).status_code == 403


def test_the_same_person_is_suggested_whether_the_handle_has_spaces_dots_or_underscores(db):
    from inbox.work.people import same_person_candidates
    from tests.factories import AuthorFactory

    on_facebook = AuthorFactory(platform="facebook", name="Kari Nordmann", handle="")
    on_x = AuthorFactory(platform="x", name="K.", handle="@kari_nordmann")
    on_youtube = AuthorFactory(platform="youtube", name="KariNordmann", handle="")
    AuthorFactory(platform="x", name="Kari Nordmann-Olsen", handle="@kno")  # another Kari
    AuthorFactory(platform="facebook", name="Kari Nordmann", handle="")  # same platform: not suggested

    assert same_person_candidates(on_facebook) == [on_x, on_youtube]


def test_staff_search_for_an_account_by_a_part_of_its_name_and_link_it(client, ingrid, lars):
    from inbox.models import Author
    from tests.factories import AuthorFactory, ChannelFactory, PostFactory

    facebook = ChannelFactory(platform="facebook", name="Facebook")
    author = AuthorFactory(platform="facebook", name="Kari Nordmann", external_id="fb-1")
    other = AuthorFactory(platform="x", name="KN", handle="@kjøkkenkari", external_id="x-77")
    post = PostFactory(channel=facebook, author=author, text="Når kommer pakken min?")
    client.force_login(ingrid)
    page = reverse("inbox:post-detail", args=[post.pk])

    html = client.get(page, {"account": "kjøkken"}).content.decode()
    assert "<bdi>@kjøkkenkari</bdi>" in html and f'name="other" value="{other.pk}"' in html
    assert "kjøkkenkari" in client.get(page, {"account": "x-77"}).content.decode()
    assert "Ingen konto passer til «ingen slik»" in client.get(page, {"account": "ingen slik"}).content.decode()
    assert "Skriv minst to bokstaver." in client.get(page, {"account": "k"}).content.decode()

    client.post(reverse("inbox:post-author-link", args=[post.pk]), {"other": other.pk})
    assert Author.objects.get(pk=other.pk).person_id == Author.objects.get(pk=author.pk).person_id is not None
    # Linked now: listed as the same person, no longer offered by the search.
    html = client.get(page, {"account": "kjøkken"}).content.decode()
    assert f'name="other" value="{other.pk}"' not in html and "Samme person andre steder" in html

    # A manager reads the page, without the search.
    client.force_login(lars)
    assert 'id="account-search"' not in client.get(page).content.decode()


def test_staff_set_the_authors_target_group_for_all_their_linked_accounts(client, ingrid, lars):
    from inbox.models import Author, Post
    from inbox.work.people import link_authors
    from tests.factories import AuthorFactory, ChannelFactory, PostFactory, TargetGroupFactory

    customers = TargetGroupFactory(name_nb="Eksisterende kunder", name_en="Existing customers")
    facebook = ChannelFactory(platform="facebook", name="Facebook")
    author = AuthorFactory(platform="facebook", name="Kari Nordmann")
    other = AuthorFactory(platform="x", name="Kari Nordmann", handle="@kari_n")
    link_authors(author=author, other=other, user=ingrid)
    post = PostFactory(channel=facebook, author=author)
    PostFactory(channel=ChannelFactory(platform="x", name="X"), author=other)
    client.force_login(ingrid)
    url = reverse("inbox:post-author-group", args=[post.pk])

    answer = client.post(url, {"target_group": customers.pk}, follow=True)

    assert "Kari Nordmann er i Eksisterende kunder nå." in answer.content.decode()
    assert set(Author.objects.values_list("target_group", flat=True)) == {customers.pk}
    # The posts count for it too (the reports read the post's).
    assert set(Post.objects.values_list("target_group", flat=True)) == {customers.pk}
    assert client.post(url, {"target_group": "999999"}, follow=True).status_code == 200
    assert set(Author.objects.values_list("target_group", flat=True)) == {customers.pk}
    client.post(url, {"target_group": ""})
    assert set(Author.objects.values_list("target_group", flat=True)) == {None}
    assert set(Post.objects.values_list("target_group", flat=True)) == {None}
    # A manager reads it and sets nothing.
    client.force_login(lars)
    page = client.get(reverse("inbox:post-detail", args=[post.pk])).content.decode()
    assert "Målgruppe:</strong> ikke satt" in page
    assert client.post(url, {"target_group": customers.pk}).status_code == 403


def test_linking_gives_the_other_accounts_posts_the_persons_target_group(ingrid):
    from inbox.models import Post
    from inbox.work.people import link_authors
    from tests.factories import AuthorFactory, ChannelFactory, PostFactory, TargetGroupFactory

    customers = TargetGroupFactory()
    known = AuthorFactory(platform="facebook", name="Kari Nordmann", target_group=customers)
    other = AuthorFactory(platform="x", name="Kari Nordmann", handle="@kari_n")
    PostFactory(channel=ChannelFactory(platform="facebook"), author=known)
    later = PostFactory(channel=ChannelFactory(platform="x"), author=other)
    assert later.target_group is None

    link_authors(author=other, other=known, user=ingrid)

    assert set(Post.objects.values_list("target_group", flat=True)) == {customers.pk}
