"""The pure triage: the strategy's section 9 rules applied to Norwegian and English posts."""

from pathlib import Path

import pytest
import yaml

from inbox.triage.engine import KnownClaim, PostInput, Rule, Triage, load_lexicon, rules_from_data

RULES_FILE = Path(__file__).resolve().parents[2] / "strategy" / "data" / "reply_rules.yaml"


@pytest.fixture(scope="module")
def default():
    data = yaml.safe_load(RULES_FILE.read_text(encoding="utf-8"))
    claims = [
        KnownClaim(pattern=c["pattern"], correction=c["correction"]["nb"], id=n) for n, c in enumerate(data["claims"])
    ]
    return Triage(rules_from_data(data["rules"]), claims)


def decide(triage: Triage, text: str, **fields):
    return triage.decide(PostInput(text, **fields))


@pytest.mark.parametrize(
    ("text", "categories"),
    [
        ("Hei! Når åpner dere butikken i Tromsø?", ("product_question",)),
        ("lurer på om dere har gavekort", ("product_question",)),  # a question without a question mark
        ("Har dere denne i str 42", ("product_question",)),
        ("Do you ship to Sweden?", ("product_question",)),
        ("Jeg har innloggingsproblemer i appen", ("technical_problem",)),  # a compound
        ("Appen fungerer ikke etter oppdateringen", ("technical_problem",)),  # a negation that is the problem
        ("The app keeps crashing when I pay", ("technical_problem",)),
        ("Ikke fornøyd med kundeservicen i det hele tatt", ("dissatisfied_customer",)),
        ("Har hørt at dere legger ned butikkene", ("factual_error",)),
        ("noen som vet resultatet av kampen i går?", ()),  # a question, but not about us
        ("Elsker den nye jakka! 😍", ()),
        ("appen har ikke krasjet en eneste gang", ()),  # a negated problem is no problem
        ("@kari se her!", ()),
    ],
)
def test_the_always_reply_rules(default, text, categories):
    assert decide(default, text).categories == categories


def test_must_reply_follows_the_first_four_categories(default):
    assert decide(default, "Når kommer den nye kolleksjonen?").must_reply
    assert not decide(default, "Elsker den nye jakka!").must_reply


def test_a_negative_post_alone_asks_for_care_not_a_reply(default):
    decision = decide(default, "For en elendig og pinlig reklamekampanje. Skammelig.")

    assert decision.categories == ("negative",)
    assert not decision.must_reply
    assert decision.sentiment < -0.35


def test_sarcasm_is_a_complaint(default):
    decision = decide(default, "Takk for at pakken kom etter bare tre uker 👏")

    assert decision.categories == ("dissatisfied_customer", "negative")
    assert decision.must_reply


def test_the_reasons_name_the_rule_and_the_words(default):
    decision = decide(default, "Jeg har innloggingsproblemer i appen")

    (match,) = decision.matches
    assert (match.rule, match.category, match.words) == (
        "Technical problem",
        "technical_problem",
        ("innloggingsproblemer",),
    )
    assert match.guideline == "always-reply"
    assert match.team == "technical-support"
    assert decision.reasons == ("Technical problem (technical_problem): innloggingsproblemer",)


def test_a_known_false_claim_comes_with_its_correction(default):
    decision = decide(default, "Stemmer det at butikken i Bergen stenger?")

    claim = next(m for m in decision.matches if m.claim_id is not None)
    assert claim.category == "factual_error"
    assert set(claim.words) == {"stenger", "butikken"}


@pytest.mark.parametrize(
    ("text", "priority"),
    [
        ("Er det åpent på søndag?", "normal"),
        ("Elsker den nye jakka!", "low"),
        ("Ikke fornøyd med leveringen", "high"),
        ("My order never arrived and the app keeps crashing", "urgent"),  # dissatisfied with a technical problem
    ],
)
def test_priorities(default, text, priority):
    assert decide(default, text).priority == priority


def test_a_repeated_complainer_is_urgent(default):
    assert decide(default, "Skuffet igjen over leveringen", earlier_complaints=2).priority == "urgent"


def test_our_own_posts_are_not_triaged(default):
    decision = decide(default, "Beklager at appen ikke fungerer, vi jobber med saken!", is_ours=True)

    assert decision.categories == ()
    assert decision.priority == "low"


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Hei, når åpner dere i morgen?", "nb"),
        ("Kva tid opnar de butikken? Eg lurer berre", "nb"),  # nynorsk counts as Norwegian
        ("When do you open tomorrow?", "en"),
        ("👍", "nb"),  # nothing to go on: bokmål
    ],
)
def test_language_detection(default, text, language):
    assert decide(default, text).language == language


def test_the_platform_hint_breaks_a_tie(default):
    assert decide(default, "👍", language="en").language == "en"


def test_sentiment_handles_negation_intensifiers_and_emoji():
    lexicon = load_lexicon()
    triage = Triage([], lexicon=lexicon)

    happy = triage.decide(PostInput("Veldig fornøyd!")).sentiment
    content = triage.decide(PostInput("fornøyd")).sentiment
    unhappy = triage.decide(PostInput("ikke fornøyd")).sentiment
    angry = triage.decide(PostInput("😡😡")).sentiment

    assert happy > content > 0 > unhappy
    assert angry < -0.5


def test_a_rule_can_require_a_question_and_a_sentiment():
    rule = Rule(
        name="Angry about delivery", category="dissatisfied_customer", keywords=("levering",), sentiment_at_most=-0.3
    )
    triage = Triage([rule])

    assert triage.decide(PostInput("Elendig levering, helt forferdelig")).categories == ("dissatisfied_customer",)
    assert triage.decide(PostInput("Rask levering, takk!")).categories == ()


def test_stems_phrases_and_infixes():
    triage = Triage(
        [
            Rule(name="stem", category="product_question", keywords=("gavekort*",)),
            Rule(name="phrase", category="technical_problem", keywords=("får ikke logget inn",)),
            Rule(name="infix", category="dissatisfied_customer", keywords=("*svindel*",)),
        ]
    )

    assert triage.decide(PostInput("gavekortene")).categories == ("product_question",)
    assert triage.decide(PostInput("Jeg får ikke logget inn.")).categories == ("technical_problem",)
    assert triage.decide(PostInput("rene svindelforsøket")).categories == ("dissatisfied_customer",)


def test_a_short_keyword_does_not_end_compounds():
    triage = Triage([Rule(name="app", category="technical_problem", keywords=("app",))])

    assert triage.decide(PostInput("Appen")).categories == ("technical_problem",)
    assert triage.decide(PostInput("Trykk på knappen")).categories == ()


def test_a_post_is_about_the_first_theme_it_names():
    from inbox.triage.engine import ThemeKeywords

    triage = Triage(
        [],
        themes=[ThemeKeywords("new-products", ("ny kolleksjon", "lanser*")), ThemeKeywords("offers", ("tilbud*",))],
    )

    assert triage.decide(PostInput("Når lanseres den nye kolleksjonen? Blir det tilbud?")).theme == "new-products"
    assert triage.decide(PostInput("Er tilbudet på jakker fortsatt gyldig?")).theme == "offers"
    assert triage.decide(PostInput("Hei!")).theme == ""
