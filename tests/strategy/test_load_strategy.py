import copy

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from strategy.models import Channel, Goal, Guideline, Purpose, TargetGroup, Team, Theme
from strategy.services import DEFAULT_STRATEGY_FILE, StrategyFileError, load_strategy, read_strategy_file

pytestmark = pytest.mark.django_db

MODELS = [Goal, TargetGroup, Purpose, Channel, Theme, Team, Guideline]


def snapshot() -> dict:
    """Every row and every many-to-many link of the strategy, as plain values."""
    state = {}
    for model in MODELS:
        for row in model.objects.order_by("pk").values():
            state[(model.__name__, row["id"])] = row
    for channel in Channel.objects.prefetch_related("purposes", "audiences", "goals"):
        state[("Channel.links", channel.pk)] = (
            sorted(p.slug for p in channel.purposes.all()),
            sorted(g.slug for g in channel.audiences.all()),
            sorted(g.slug for g in channel.goals.all()),
        )
    for theme in Theme.objects.prefetch_related("goals", "target_groups"):
        state[("Theme.links", theme.pk)] = (
            sorted(g.slug for g in theme.goals.all()),
            sorted(g.slug for g in theme.target_groups.all()),
        )
    return state


def test_it_loads_the_strategy_of_the_document():
    call_command("load_strategy", verbosity=0)

    assert list(Goal.objects.values_list("slug", flat=True)) == ["accessibility", "service", "quality", "brand"]
    assert set(Channel.objects.values_list("platform", flat=True)) == {"facebook", "x", "youtube"}
    assert TargetGroup.objects.filter(priority=TargetGroup.Priority.MOST_IMPORTANT).count() == 2
    assert {"potential-customers", "existing-customers", "own-employees", "partners", "future-customers"} <= set(
        TargetGroup.objects.values_list("slug", flat=True)
    )
    facebook = Channel.objects.get(platform="facebook")
    assert {"relationship-building", "communication", "recruitment"} == set(
        facebook.purposes.values_list("slug", flat=True)
    )
    assert facebook.audiences.filter(slug="existing-customers").exists()
    assert Team.objects.filter(slug="communication-unit").exists()
    assert Guideline.objects.filter(section="9.4", slug="always-reply").exists()


def test_it_holds_bokmaal_and_english():
    call_command("load_strategy", verbosity=0)
    always_reply = Guideline.objects.get(slug="always-reply")

    with translation.override("nb"):
        assert always_reply.title == "Svar alltid når"
    with translation.override("en"):
        assert always_reply.title == "Always reply when"
    for model in MODELS:
        for obj in model.objects.all():
            for field in ("name", "title", "description", "usage", "body"):
                if hasattr(obj, f"{field}_nb"):
                    assert getattr(obj, f"{field}_nb"), f"{model.__name__} {obj.slug}: {field}_nb is empty"
                    assert getattr(obj, f"{field}_en"), f"{model.__name__} {obj.slug}: {field}_en is empty"


def test_it_changes_nothing_when_run_twice(capsys):
    call_command("load_strategy")
    before = snapshot()

    call_command("load_strategy")

    assert snapshot() == before
    assert "nothing changed" in capsys.readouterr().out


def test_it_updates_what_the_file_changes():
    data = read_strategy_file(DEFAULT_STRATEGY_FILE)
    load_strategy(data)
    changed = copy.deepcopy(data)
    changed["goals"][0]["title"]["en"] = "Be easier to reach"
    changed["channels"][0]["audiences"] = ["existing-customers"]

    report = load_strategy(changed)

    assert Goal.objects.get(slug="accessibility").title_en == "Be easier to reach"
    assert list(Channel.objects.get(slug="facebook").audiences.values_list("slug", flat=True)) == ["existing-customers"]
    assert report.updated["Goal"] == 1
    assert Goal.objects.count() == 4


def test_it_keeps_the_channel_ids_of_this_installation():
    load_strategy(read_strategy_file(DEFAULT_STRATEGY_FILE))
    Channel.objects.filter(slug="facebook").update(external_id="55555", handle="ourrealpage", is_active=False)

    load_strategy(read_strategy_file(DEFAULT_STRATEGY_FILE))

    facebook = Channel.objects.get(slug="facebook")
    assert (facebook.external_id, facebook.handle, facebook.is_active) == ("55555", "ourrealpage", False)


def test_it_names_an_unknown_reference_and_loads_nothing():
    data = read_strategy_file(DEFAULT_STRATEGY_FILE)
    data["channels"][1]["purposes"].append("world-domination")

    with pytest.raises(StrategyFileError, match="channels, x: unknown purposes: world-domination"):
        load_strategy(data)

    assert Goal.objects.count() == 0


def test_it_names_a_missing_translation():
    data = read_strategy_file(DEFAULT_STRATEGY_FILE)
    data["themes"][0]["name"] = {"en": "Only English"}

    with pytest.raises(StrategyFileError, match="theme new-products: name needs a text for each of nb, en"):
        load_strategy(data)


def test_the_command_reports_a_broken_file(tmp_path):
    broken = tmp_path / "strategy.yaml"
    broken.write_text("goals: [unclosed", encoding="utf-8")

    with pytest.raises(CommandError, match="The strategy was not loaded"):
        call_command("load_strategy", str(broken))
