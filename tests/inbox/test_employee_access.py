"""
What an employee reads on a post forwarded to them: that post and the forwarder's note,
the posts of the conversation forwarded to them and our replies to those; not the rest
of the conversation, not the author's other posts (#10: the page of a forwarded post
showed the post it answers and the author's other posts, each 403 on its own).
"""

from datetime import timedelta

import pytest
from django.urls import reverse

from inbox.models import Forward, OutboxMessage
from tests.factories import AuthorFactory, ChannelFactory, PostFactory

pytestmark = pytest.mark.django_db

ROOT_TEXT = "Nytt produkt lansert i dag: Regnjakke Storm"
ASKED = "Når kommer den i str 42? Ordre 55121 er ikke sendt."
SIBLING = "Min adresse er Storgata 1, og telefonen min er 90000000"
OURS_TO_ROOT = "Takk for alle kommentarer!"
OURS_TO_ASKED = "Vi ser på ordren din nå."
ELSEWHERE = "Jeg klaget på kundeservice i forrige uke også, saksnummer 777"


@pytest.fixture
def conversation(ingrid, ola):
    channel = ChannelFactory(platform="facebook", name="Facebook")
    kari = AuthorFactory(name="Kari Nordmann")
    root = PostFactory(channel=channel, is_ours=True, text=ROOT_TEXT, author=None)
    asked = PostFactory(channel=channel, parent=root, thread_root=root, author=kari, text=ASKED, must_reply=True)
    asked.published_at = root.published_at + timedelta(minutes=5)
    asked.save()
    PostFactory(channel=channel, parent=root, thread_root=root, text=SIBLING)
    PostFactory(channel=channel, parent=root, thread_root=root, is_ours=True, text=OURS_TO_ROOT, author=None)
    PostFactory(channel=channel, parent=asked, thread_root=root, is_ours=True, text=OURS_TO_ASKED, author=None)
    PostFactory(channel=channel, author=kari, text=ELSEWHERE, categories=["dissatisfied_customer"])
    Forward.objects.create(post=asked, sent_by=ingrid, to_user=ola, note="Kan du svare på størrelsen?")
    return asked


def page(client, user, post) -> str:
    client.force_login(user)
    response = client.get(reverse("inbox:post-detail", args=[post.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_an_employee_sees_the_forwarded_post_the_note_and_our_reply_to_it(client, ola, conversation):
    html = page(client, ola, conversation)

    assert ASKED in html
    assert "Kan du svare på størrelsen?" in html
    assert OURS_TO_ASKED in html


def test_an_employee_does_not_see_the_rest_of_the_conversation_nor_the_authors_other_posts(client, ola, conversation):
    html = page(client, ola, conversation)

    for text in (ROOT_TEXT, SIBLING, OURS_TO_ROOT, ELSEWHERE):
        assert text not in html
    assert "Forfatterens historikk" not in html
    assert "flere innlegg i denne samtalen er ikke delt med deg" in html


def test_a_reply_sent_from_here_to_a_post_not_forwarded_is_not_shown_either(client, ola, conversation):
    root = conversation.thread_root
    OutboxMessage.objects.create(
        channel=root.channel, action="reply", in_reply_to=root, text="Hemmelig svar", status="sandbox"
    )

    assert "Hemmelig svar" not in page(client, ola, conversation)


@pytest.mark.parametrize("persona", ["ingrid", "lars"])
def test_the_communication_unit_and_managers_see_the_whole_page(client, request, persona, conversation):
    html = page(client, request.getfixturevalue(persona), conversation)

    for text in (ROOT_TEXT, ASKED, OURS_TO_ASKED, ELSEWHERE):
        assert text in html
    # The other comments on the first post are no part of this conversation: counted, for everyone.
    assert "og 2 andre kommentarer til samme innlegg" in html
    assert "Forfatterens historikk" in html
    assert "ikke delt med deg" not in html


def test_each_hidden_post_still_answers_403_to_the_employee(client, ola, conversation):
    client.force_login(ola)

    assert client.get(reverse("inbox:post-detail", args=[conversation.thread_root_id])).status_code == 403
    assert client.get(reverse("api:post-detail", args=[conversation.pk])).status_code == 403
    assert client.get(reverse("api:post-list")).status_code == 403
