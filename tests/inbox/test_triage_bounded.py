"""
Triage is bounded whatever arrives (#11): it reads a post's first MAX_TEXT characters,
cuts every word, gives a staff-typed pattern a time limit and refuses the patterns
that backtrack catastrophically, and never locks the channel row. Speed itself is
measured in bench/triage.py, not here.
"""

import pytest

from inbox.triage import engine
from inbox.triage.engine import MAX_TEXT, MAX_TOKEN_LENGTH, PostInput, Rule, Triage, pattern_problem


def test_triage_reads_the_first_characters_and_cuts_every_word():
    triage = Triage([Rule(name="app", category="technical_problem", keywords=("krasjer",))])

    late = triage.decide(PostInput("x " * MAX_TEXT + "appen krasjer"))
    early = triage.decide(PostInput("appen krasjer " + "x " * MAX_TEXT))
    one_word = triage.decide(PostInput("a" * 1_000_000))

    assert not late.must_reply  # past what triage reads
    assert early.must_reply
    assert one_word.categories == ()


def test_the_engine_never_sees_a_word_longer_than_the_cut(monkeypatch):
    seen = []
    original = engine._KeywordIndex.starting_at
    monkeypatch.setattr(
        engine._KeywordIndex, "starting_at", lambda self, token: seen.append(token) or original(self, token)
    )

    Triage([Rule(name="x", category="negative", keywords=("dårlig",))]).decide(PostInput("b" * 500_000 + " dårlig"))

    assert max(map(len, seen)) == MAX_TOKEN_LENGTH


@pytest.mark.parametrize("pattern", [r"(a+)+$", r"(\w+\s?)*$", r"(a|aa)+b", r"(x+x+)+y"])
def test_a_pattern_that_backtracks_catastrophically_is_refused(pattern):
    assert "backtracks catastrophically" in pattern_problem(pattern)


@pytest.mark.parametrize("pattern", [r"kjøpt opp|solgt til", r"(takk|thanks) for .{0,100}(👏|igjen)", r"\bapp(en)?\b"])
def test_an_ordinary_pattern_is_accepted(pattern):
    assert pattern_problem(pattern) == ""


def test_a_slow_pattern_that_got_in_anyway_stops_at_its_time_limit_and_does_not_match():
    triage = Triage([Rule(name="slow", category="negative", regex=r"(a+)+$")])

    decision = triage.decide(PostInput("a" * 5000 + "!"))

    assert decision.categories == ()


def test_an_invalid_pattern_says_why():
    assert pattern_problem("(unclosed").startswith("invalid: ")


@pytest.mark.postgres
@pytest.mark.django_db
def test_triage_locks_the_post_only():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from inbox.triage import services
    from tests.factories import PostFactory

    post = PostFactory(text="Hei")
    with CaptureQueriesContext(connection) as queries:
        services.triage_post(post_id=post.pk)

    # SELECT ... FOR UPDATE with a join locks the joined rows too, unless OF names the table.
    locking = [query["sql"] for query in queries.captured_queries if "FOR UPDATE" in query["sql"]]
    assert locking and all('FOR UPDATE OF "inbox_post"' in sql for sql in locking), locking
