"""
The learned triage (#11): features, the model as data, the decision beside the rules
with "needs a look", training, versions and activation, and the figures on the blind
set (tests/data/blind/), which no model is trained or tuned on.
"""

import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from inbox.models import Post, TriageModel
from inbox.triage import learned, services
from inbox.triage.engine import PostInput, Triage
from inbox.triage.evaluation import evaluate, read_labelled
from inbox.triage.language import load_lexicon
from inbox.triage.learning.combine import ModelTriage
from inbox.triage.learning.features import MAX_TOKEN_LENGTH, MAX_TOKENS, features
from inbox.triage.learning.model import LABELS, LinearModel, Thresholds
from inbox.triage.learning.training import train
from tests.factories import PostFactory

BLIND = Path(__file__).resolve().parents[1] / "data" / "blind"

# What the model reached on the blind set (728 posts) when it was built, trained on the
# 7,007 labelled posts the product ships with: must reply precision 0.922, recall
# 0.945, F1 0.933; with needs a look, recall 0.976 at a share of 0.120; category F1
# 0.90 (product questions), 0.87 (technical), 0.82 (false claims), 0.80 (dissatisfied),
# 0.85 (negative). Training is deterministic: a change that does worse than these
# floors (what was reached, less 0.005) fails here.
BLIND_FLOORS = {
    "must_reply_precision": 0.917,
    "must_reply_recall": 0.94,
    "must_reply_f1": 0.928,
    "caught_recall": 0.97,
    "needs_look_share_at_most": 0.125,
}
CLAIM_FLOORS = {"asserted": 10, "asked": 10, "denied": 11}  # of 12 each, below
CATEGORY_F1_FLOORS = {
    "product_question": 0.894,
    "technical_problem": 0.861,
    "factual_error": 0.818,
    "dissatisfied_customer": 0.795,
    "negative": 0.846,
}


@pytest.fixture(autouse=True)
def fresh_models():
    """Each test stores its own versions (rolled back after it): read none from an earlier test."""
    learned._loaded.clear()
    yield
    learned._loaded.clear()
    # A page asked for in English leaves English active in this thread: not for the next test.
    translation.deactivate()


def tiny_model(**weights) -> LinearModel:
    """A model by hand: each feature's weight for must reply (and product questions alike)."""
    index = LABELS.index("must_reply")
    table = {}
    for feature, weight in weights.items():
        row = [0.0] * len(LABELS)
        row[index] = weight
        row[LABELS.index("product_question")] = weight
        table[feature] = tuple(row)
    return LinearModel(
        version="test-1",
        labels=LABELS,
        weights=table,
        bias=tuple([-2.0] * len(LABELS)),
        calibration=tuple([(1.0, 0.0)] * len(LABELS)),
        thresholds=Thresholds(categories=dict.fromkeys(LABELS[:-1], 0.5), must_reply=0.8, needs_look=0.4),
    )


@pytest.fixture(scope="module")
def rules() -> Triage:
    import yaml

    from inbox.triage.engine import KnownClaim, rules_from_data

    data = yaml.safe_load((Path(__file__).resolve().parents[2] / "strategy" / "data" / "reply_rules.yaml").read_text())
    return Triage(rules_from_data(data["rules"]), [KnownClaim(pattern=claim["pattern"]) for claim in data["claims"]])


def test_features_are_bounded_whatever_the_text():
    lexicon = load_lexicon()
    huge = "a" * 100_000 + " " + " ".join(f"ord{n}" for n in range(50_000))

    found = features(huge, lexicon)

    words = [feature for feature in found if feature.startswith(("w:", "n:"))]
    assert len(words) <= MAX_TOKENS
    assert all(len(feature) <= MAX_TOKEN_LENGTH + 2 for feature in words)
    assert "w:" + "a" * MAX_TOKEN_LENGTH in found


def test_features_mark_negation_in_its_clause_and_carry_the_rules_findings():
    found = features(
        "Appen fungerer ikke krasjer, men ellers bra", load_lexicon(), rule_categories=["technical_problem"]
    )

    assert {"w:appen", "w:ikke", "n:krasjer", "w:ellers", "rule:technical_problem"} <= found
    assert "c:<app" in found and "b:appen_fungerer" in found


def test_a_model_is_plain_data_that_round_trips():
    model = tiny_model(**{"w:pris": 3.0})

    again = LinearModel.from_dict(json.loads(json.dumps(model.to_dict())))

    assert again == model
    probabilities = again.probabilities({"w:pris"})
    assert set(probabilities) == set(LABELS)
    assert probabilities["must_reply"] == pytest.approx(1 / (1 + 2.718281828**-1.0), rel=1e-3)
    assert [item.text for item in again.evidence({"w:pris", "w:hei"}, "must_reply")] == ["pris"]


def test_the_model_decides_beside_the_rules_and_is_unsure_out_loud(rules):
    model = tiny_model(**{"w:pris": 5.0, "w:kanskje": 2.0})
    combined = ModelTriage(rules, model)

    sure = combined.decide(PostInput("pris"))  # no rule matches; the model is sure
    assert (sure.must_reply, sure.needs_look, sure.categories) == (True, False, ("product_question",))
    assert sure.model.evidence[0].text == "pris"
    assert "weighed most: pris" in sure.reasons[-1]

    unsure = combined.decide(PostInput("kanskje"))  # P(must reply) 0.5: between the thresholds
    assert (unsure.must_reply, unsure.needs_look, unsure.categories) == (False, True, ())

    # The rules require a reply, the model finds it unlikely: a person decides.
    by_rules = rules.decide(PostInput("Appen krasjer hver gang jeg logger inn"))
    assert by_rules.must_reply
    doubted = combined.decide(PostInput("Appen krasjer hver gang jeg logger inn"))
    assert (doubted.must_reply, doubted.needs_look) == (False, True)

    nothing = combined.decide(PostInput("Fint vær i dag"))
    assert (nothing.must_reply, nothing.needs_look) == (False, False)


@pytest.fixture(scope="module")
def trained(rules) -> LinearModel:
    """The model trained on the labelled posts the product ships with (about 15 seconds)."""
    return train(learned.labelled_examples(), rules, version="test-shipped")


def test_the_trained_model_is_calibrated_and_chooses_its_thresholds_on_held_out_folds(trained):
    held_out = trained.info["held_out"]

    assert trained.trained_on == len(learned.labelled_examples()) >= 700
    assert 0.1 <= trained.thresholds.needs_look < trained.thresholds.must_reply <= 0.9
    assert held_out["must_reply_precision"] >= 0.9
    assert held_out["needs_look_share"] <= 0.15


def test_on_the_blind_set_the_model_does_at_least_what_it_reached(rules, trained):
    blind = [post for path in sorted(BLIND.glob("*.jsonl")) for post in read_labelled(path)]
    assert len(blind) >= 700

    report = evaluate(ModelTriage(rules, trained), blind).as_dict()
    alone = evaluate(rules, blind).as_dict()

    must, caught = report["must_reply"], report["needs_look"]
    assert must["precision"] >= BLIND_FLOORS["must_reply_precision"], report
    assert must["recall"] >= BLIND_FLOORS["must_reply_recall"], report
    assert must["f1"] >= BLIND_FLOORS["must_reply_f1"], report
    assert caught["recall"] >= BLIND_FLOORS["caught_recall"], report
    assert caught["share"] <= BLIND_FLOORS["needs_look_share_at_most"], report
    for code, floor in CATEGORY_F1_FLOORS.items():
        assert report["categories"][code]["f1"] >= floor, (code, report["categories"][code])
    # Beside the rules alone, on text they were not tuned on.
    assert must["f1"] > alone["must_reply"]["f1"]
    assert caught["recall"] > alone["must_reply"]["recall"]


# Known false claims in words no rule or training post uses (written for this test, one
# or more per claim): asserted, asked about neutrally, and denied.
CLAIMS_ASSERTED = (
    "Greit å vite: angreretten er borte hos Bedriften nå, så tenk deg om før du handler",
    "they quietly got rid of the 30 day returns, once you've paid it's yours forever",
    "Ingen tar telefonen hos dem lenger, hele kundeserviceavdelinga er jo nedlagt",
    "Dei har visst kutta ut kundeservicen heilt, no er det berre ein robot",
    "Bedriften eies av et amerikansk oppkjøpsfond nå, derfor er alt blitt dyrere",
    "prisene deres har gått opp det dobbelte siden i fjor, sjekket selv",
    "skincare from Bedriften is tested on rabbits, look it up",
    "Kremene deres er fulle av PFAS og andre evighetskjemikalier",
    "heard they're shutting every single store by summer and going online only",
    "De selger alt du kjøper og hvor du bor videre til annonsører",
    "de skal kvitte seg med halvparten av de ansatte over nyttår, sa en som jobber der",
    "klærne deres er sydd av barn i Bangladesh",
)
CLAIMS_ASKED = (
    "Stemmer det at angreretten er fjernet? Lurer på om jeg kan returnere en jakke",
    "is it true your creams have PFAS in them? asking because of my kid's eczema",
    "Har dere lagt ned kundeservice, eller er det bare lang kø på telefonen?",
    "Er Bedriften kjøpt opp? Så noe om det på Facebook",
    "tester dere produktene på dyr?",
    "Kva skjer med butikken på Lagunen, skal han leggjast ned?",
    "do you sell customer data to third parties? want to know before signing up to the club",
    "Er det sant at prisene er doblet? Synes varene ser like billige ut",
    "is the 30 day return still a thing or did that change",
    "Skal dere si opp folk? Leste noe om nedbemanning",
    "Bruker leverandørene deres barnearbeid?",
    "lagrer dere kortnummeret mitt når jeg handler i appen?",
)
CLAIMS_DENIED = (
    "Nei, de tester ikke på dyr. Står på nettsiden deres.",
    "Det er bare tull at angreretten er borte, jeg returnerte en genser i går uten problem",
    "Kundeservicen deres finnes fortsatt, jeg snakket med dem i morges",
    "that's a myth, they never sold anyone's data, read the privacy policy",
    "Nei, Bedriften er ikkje kjøpt opp, same eigarar som før",
    "Butikken i Bergen skal ikke legges ned, spurte de ansatte selv",
    "Prisene er ikke doblet, folk overdriver. Kaffen koster det samme som i fjor",
    "No PFAS in their pans, I checked the label",
    "De permitterer ingen, min søster jobber der",
    "they don't use child labour, suppliers are audited, it's on their site",
    "nei da, de lagrer ikke kortnummer, det går via betalingsleverandøren",
    "Bare så det er sagt: returretten er fortsatt 30 dager, både i butikk og på nett",
)


def test_a_known_false_claim_is_recognised_in_other_words_asked_about_and_denied(rules, trained):
    both = ModelTriage(rules, trained)

    def decided(texts):
        return [both.decide(PostInput(text)).categories for text in texts]

    asserted = [
        text for text, found in zip(CLAIMS_ASSERTED, decided(CLAIMS_ASSERTED), strict=True) if "factual_error" in found
    ]
    asked = [
        text
        for text, found in zip(CLAIMS_ASKED, decided(CLAIMS_ASKED), strict=True)
        if "product_question" in found and "factual_error" not in found
    ]
    denied = [
        text for text, found in zip(CLAIMS_DENIED, decided(CLAIMS_DENIED), strict=True) if "factual_error" not in found
    ]
    by_rules = [text for text in CLAIMS_ASSERTED if "factual_error" in rules.decide(PostInput(text)).categories]
    # What rules and model reached together (the rules alone: 3 of the 12 paraphrases).
    assert len(asserted) >= CLAIM_FLOORS["asserted"] > len(by_rules), set(CLAIMS_ASSERTED) - set(asserted)
    assert len(asked) >= CLAIM_FLOORS["asked"], set(CLAIMS_ASKED) - set(asked)
    assert len(denied) >= CLAIM_FLOORS["denied"], set(CLAIMS_DENIED) - set(denied)


def test_no_blind_post_is_in_the_training_data():
    training = {example.text.strip().casefold() for example in learned.labelled_examples()}
    blind = [post for path in sorted(BLIND.glob("*.jsonl")) for post in read_labelled(path)]

    assert not [post.id for post in blind if post.text.strip().casefold() in training]


# Versions, activation, and triage with the active model.


@pytest.fixture
def loaded(db):
    """The demo strategy with its reply rules and claims, as `make demo` loads them."""
    call_command("load_strategy", verbosity=0)


def store(model: LinearModel, *, active: bool = False, blind: dict | None = None) -> TriageModel:
    record = TriageModel.objects.create(version=model.version, parameters=model.to_dict(), blind_figures=blind or {})
    if active:
        learned.activate_model(record)
    return record


@pytest.mark.django_db
def test_a_post_the_model_is_unsure_about_waits_with_the_deadline_for_the_communication_unit(loaded):
    store(tiny_model(**{"w:kanskje": 2.0}), active=True)
    post = PostFactory(text="kanskje", language="nb")

    decision = services.triage_post(post_id=post.pk)

    post.refresh_from_db()
    assert (decision.needs_look, decision.must_reply, post.needs_look, post.must_reply) == (True, True, True, True)
    assert post.due_at is not None
    assert post.team.slug == "communication-unit"
    assert decision.model["version"] == "test-1"
    assert decision.model["probabilities"]["must_reply"] == pytest.approx(0.5)
    assert list(Post.objects.filter(pk=post.pk)) == list(_queue("needs-look"))


@pytest.mark.django_db
def test_a_persons_decision_settles_a_post_that_needed_a_look(loaded, ingrid):
    store(tiny_model(**{"w:kanskje": 2.0}), active=True)
    post = PostFactory(text="kanskje", language="nb")
    services.triage_post(post_id=post.pk)

    services.override_triage(post=post, user=ingrid, categories=[], must_reply=False, priority="normal", note="Ros")

    post.refresh_from_db()
    assert (post.needs_look, post.must_reply, post.due_at) == (False, False, None)
    assert not _queue("needs-look").exists()
    # The person's decision is a labelled example for the next version.
    assert [(e.text, e.categories, e.source, e.must_reply) for e in learned.decision_examples()] == [
        ("kanskje", frozenset(), "override", False)
    ]


def _queue(slug: str):
    from django.contrib.auth import get_user_model

    from inbox.selectors import queue_posts

    return queue_posts(slug, get_user_model().objects.filter(username="ingrid").first())


@pytest.mark.django_db
def test_a_new_version_is_activated_only_when_not_worse_on_the_blind_set_and_a_person_can_roll_back():
    good = {"must_reply": {"f1": 0.80}, "needs_look": {"recall": 0.87}}
    worse = {"must_reply": {"f1": 0.70}, "needs_look": {"recall": 0.90}}
    assert learned.not_worse(worse, good) is False
    assert learned.not_worse(good, good) is True
    assert learned.not_worse(good, {}) is True

    first = store(tiny_model(), active=True, blind=good)
    second = store(LinearModel.from_dict({**tiny_model().to_dict(), "version": "test-2"}), blind=worse)
    learned.activate_model(second)
    assert learned.active_model().version == "test-2"

    learned.activate_model(first)  # roll back

    assert learned.active_model().version == "test-1"
    assert TriageModel.objects.filter(is_active=True).count() == 1


@pytest.mark.django_db
def test_train_triage_trains_measures_on_the_blind_set_and_activates(loaded, capsys):
    call_command("train_triage")

    record = TriageModel.objects.get()
    out = capsys.readouterr().out
    assert record.is_active and record.training_counts["labelled"] >= 700
    assert record.blind_figures["n"] >= 400 and "needs_look" in record.blind_figures
    assert "Blind set (" in out and "Active." in out

    call_command("train_triage", "--if-none")
    assert TriageModel.objects.count() == 1
    assert "nothing trained" in capsys.readouterr().out


@pytest.mark.django_db
def test_evaluate_triage_reports_needs_a_look(loaded, tmp_path, capsys):
    store(tiny_model(**{"w:kanskje": 2.0}), active=True)
    labelled = tmp_path / "posts.jsonl"
    lines = [
        {"id": "1", "text": "kanskje", "expected": {"must_reply": True, "categories": ["product_question"]}},
        {"id": "2", "text": "Fint vær", "expected": {"must_reply": False, "categories": []}},
    ]
    labelled.write_text("\n".join(json.dumps(line) for line in lines))

    call_command("evaluate_triage", str(labelled), "--json")

    figures = json.loads(capsys.readouterr().out)
    assert figures["needs_look"] == {"recall": 1.0, "share": 0.5, "precision": 1.0}
    assert figures["must_reply"]["recall"] == 0.0


@pytest.mark.django_db
def test_the_post_page_and_the_queue_show_a_post_that_needs_a_look(client, ingrid, loaded):
    store(tiny_model(**{"w:kanskje": 2.0}), active=True)
    post = PostFactory(text="kanskje", language="nb")
    services.triage_post(post_id=post.pk)
    client.force_login(ingrid)
    client.cookies["django_language"] = "en"

    page = client.get(reverse("inbox:post-detail", args=[post.pk])).content.decode()
    queue = client.get(reverse("inbox:queue", args=["needs-look"])).content.decode()

    assert "Triage is unsure. Decide before the deadline whether it needs an answer." in page
    assert "The learned model (test-1): must be answered with a probability of 50 %." in page
    assert "<q>kanskje</q>" in page
    from inbox.views.posts import evidence_words

    with translation.override("en"):
        assert evidence_words([{"feature": "rule:technical_problem", "text": "rule: technical_problem"}]) == [
            "rule: Technical problem"
        ]
    assert '<details id="override-panel" open>' in page
    assert '<span class="chip needs-look">needs a look</span>' in queue


@pytest.mark.django_db
def test_try_the_rules_shows_the_rules_alone_and_the_models_part(client, ingrid, loaded):
    store(tiny_model(**{"w:kanskje": 2.0}), active=True)
    client.force_login(ingrid)
    client.cookies["django_language"] = "en"

    html = client.post(reverse("inbox:rules-try"), {"text": "kanskje"}, headers={"hx-request": "true"}).content.decode()

    assert "Needs a look." in html
    assert "Triage is unsure: a person decides whether it needs an answer." in html
    assert "Posted now, it would be due" in html
    assert "Version test-1: must be answered with a probability of 50 %." in html
    assert "<q>kanskje</q>" in html
    assert "<li>Product question: 50 %</li>" in html


@pytest.mark.django_db
def test_the_triage_in_force_is_asked_for_at_most_every_few_seconds(settings, loaded, django_assert_num_queries):
    settings.TRIAGE_VERSION_CHECK_SECONDS = 60
    learned._current.clear()
    first = learned.current_triage()

    with django_assert_num_queries(0):
        assert learned.current_triage() is first
    record = store(tiny_model(), active=False)
    learned.activate_model(record)  # in force at once in this process

    assert isinstance(learned.current_triage(), ModelTriage)
    learned._current.clear()
