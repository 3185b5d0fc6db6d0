"""Scoring: weighted means, what is not counted and why, profiles, grades."""

from __future__ import annotations

from pathlib import Path

import pytest

from connectedness.checks.base import CheckResult
from connectedness.scoring import MODEL_VERSION, load_profile, profile_names, score
from connectedness.scoring.model import ProfileError, Scorecard


def result(check_id: str, status: str, value: int | None) -> CheckResult:
    return CheckResult(check_id, check_id.split(".", maxsplit=1)[0], "1", check_id, status, value, {}, [], "")  # type: ignore[arg-type]  # a str status


RESULTS = [
    result("social.profiles", "pass", 100),
    result("social.open_graph", "fail", 0),
    result("commerce.storefront", "fail", 0),
    result("commerce.platform", "not_applicable", None),
    result("active.recency", "partial", 50),
    result("active.podcast", "could_not_check", None),
]
WEIGHTS = {"social.profiles": 3, "social.open_graph": 1, "commerce.storefront": 3, "commerce.platform": 1,
           "active.recency": 3, "active.podcast": 1}


def test_bundled_profiles_load() -> None:
    assert {"default", "retail", "b2b", "media", "local"} <= set(profile_names())
    for name in profile_names():
        profile = load_profile(name)
        assert profile.name == name and profile.description


def test_category_and_overall_are_weighted_means() -> None:
    card = score(RESULTS, load_profile("default"), WEIGHTS)
    assert card.categories["social"].score == 75.0  # (3*100 + 1*0) / 4
    assert card.categories["commerce"].score == 0.0
    assert card.categories["active"].score == 50.0
    # default categories: social 1.5, commerce 1.0, active 1.5; others scored nothing and leave the denominator
    assert card.overall == round((1.5 * 75 + 1.0 * 0 + 1.5 * 50) / 4.0, 1)
    assert card.categories["responsive"].score is None
    assert (card.profile, card.model_version) == ("default", MODEL_VERSION)


def test_not_applicable_and_could_not_check_are_listed_never_failed() -> None:
    card = score(RESULTS, load_profile("default"), WEIGHTS)
    skipped = {c.check_id: c.why_not for cat in card.categories.values() for c in cat.checks if not c.counted}
    assert skipped == {"commerce.platform": "not_applicable", "active.podcast": "could_not_check"}


def test_b2b_is_not_punished_for_having_no_cart() -> None:
    default = score(RESULTS, load_profile("default"), WEIGHTS)
    b2b = score(RESULTS, load_profile("b2b"), WEIGHTS)
    storefront = next(c for c in b2b.categories["commerce"].checks if c.check_id == "commerce.storefront")
    assert not storefront.counted and storefront.why_not == "weight 0 in profile b2b"
    assert b2b.categories["commerce"].score is None
    assert b2b.overall is not None and default.overall is not None and b2b.overall > default.overall


def test_grades_follow_the_bands() -> None:
    profile = load_profile("default")
    assert [profile.grade(v) for v in (100, 85, 84.9, 55, 10)] == ["A", "A", "B", "C", "F"]
    perfect = score([result("social.profiles", "pass", 100)], profile, WEIGHTS)
    assert (perfect.overall, perfect.grade) == (100.0, "A")


def test_nothing_scored_gives_no_overall() -> None:
    card = score([result("active.podcast", "could_not_check", None)], load_profile("default"), WEIGHTS)
    assert (card.overall, card.grade) == (None, None)


def test_user_profile_file(tmp_path: Path) -> None:
    path = tmp_path / "mine.toml"
    path.write_text('name = "mine"\n[categories]\nsocial = 5\n[checks]\n"social.open_graph" = 0\n')
    profile = load_profile(path)
    card = score(RESULTS, profile, WEIGHTS)
    assert card.categories["social"].score == 100.0
    assert profile.categories["trust"] == 1.0  # unnamed categories default to 1


@pytest.mark.parametrize("text, says", [("[categories]\nvibes = 2\n", "unknown categories"),
                                        ("[checks]\n\"x.y\" = -1\n", "negative"), ("not toml [", "cannot read")])
def test_bad_profiles_are_refused_clearly(tmp_path: Path, text: str, says: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(text)
    with pytest.raises(ProfileError, match=says):
        load_profile(path)
    with pytest.raises(ProfileError, match="unknown profile"):
        load_profile("nonesuch")


def test_scorecard_round_trips_through_json() -> None:
    card = score(RESULTS, load_profile("retail"), WEIGHTS)
    assert Scorecard.from_dict(card.to_dict()).to_dict() == card.to_dict()


def test_same_profile_name_with_other_weights_has_another_digest(tmp_path: Path) -> None:
    path = tmp_path / "default.toml"
    path.write_text('name = "default"\n[categories]\nsocial = 9\n')
    assert load_profile(path).digest != load_profile("default").digest


def test_the_grade_agrees_with_the_whole_number_people_read() -> None:
    """69.5 is shown as 70; under a profile whose B starts at 70, it is a B, never "70/100 grade C"."""
    from connectedness.scoring import shown

    assert [shown(v) for v in (69.5, 70.5, 69.49, 0.5, 100.0)] == [70, 71, 69, 1, 100]
    profile = load_profile("default")
    assert profile.grades["B"] == 70.0
    results = [result("social.profiles", "partial", 69), result("social.open_graph", "partial", 70)]
    card = score(results, profile, {"social.profiles": 1, "social.open_graph": 1})
    assert card.overall == 69.5
    assert card.grade == profile.grade(70) == "B"
