"""The online clusterer (newsprism.cluster.online) on hand-made term vectors, with values worked out by hand.

No corpus and no store: an article is a `Features` of a few terms whose weights are chosen so the
similarity is easy to compute (term vectors have L2 norm 1; a shared term adds the product of its
weights, capped at 1/sqrt(terms in the article)).
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta, timezone

import pytest

from newsprism.cluster.features import Features
from newsprism.cluster.online import ClusterSettings, OnlineClusterer, capped_cosine, term_cap
from newsprism.dates import as_utc as as_time

DAY0 = datetime(2024, 5, 1, 12, tzinfo=timezone.utc)


def features(terms: dict[str, float], years: tuple[int, ...] = ()) -> Features:
    return Features(terms=terms, years=Counter(years), names=frozenset())


def day(n: float) -> datetime:
    return DAY0 + timedelta(days=n)


BRIDGE = {"bridge": 0.6, "collapse": 0.8}
BRIDGE_TOLL = {"bridge": 0.6, "toll": 0.8}  # shares "bridge" with BRIDGE: similarity 0.6 * 0.6 = 0.36
ELECTION = {"election": 0.8, "ballot": 0.6}  # shares nothing with either


def test_the_similarity_of_the_worked_examples():
    assert term_cap(BRIDGE) == pytest.approx(2 ** -0.5)  # two terms: one term adds at most 0.707
    assert capped_cosine(BRIDGE_TOLL, BRIDGE, 1.0, term_cap(BRIDGE_TOLL)) == pytest.approx(0.36)
    assert capped_cosine(BRIDGE, BRIDGE, 1.0, term_cap(BRIDGE)) == pytest.approx(1.0)
    # one shared term counts at most 1/sqrt(terms in the article): a town's name alone is not a story
    town_fire = {"town": 0.8, "fire": 0.6}
    assert capped_cosine(town_fire, {"town": 1.0}, 1.0, term_cap(town_fire)) == pytest.approx(2 ** -0.5)


def test_an_article_above_the_threshold_joins_the_story():
    clusterer = OnlineClusterer(ClusterSettings(threshold=0.3))
    assert clusterer.assign("a", features(BRIDGE), day(0)) == "a"  # the first article starts a story named after it
    assert clusterer.last_score == 0.0
    assert clusterer.assign("b", features(BRIDGE_TOLL), day(0)) == "a"
    assert clusterer.last_score == pytest.approx(0.36)  # centroid and closest member both 0.36
    story = clusterer.stories["a"]
    assert story.size == 2 and story.centroid == pytest.approx({"bridge": 1.2, "collapse": 0.8, "toll": 0.8})


def test_an_article_below_the_threshold_starts_a_new_story():
    clusterer = OnlineClusterer(ClusterSettings(threshold=0.4))
    clusterer.assign("a", features(BRIDGE), day(0))
    assert clusterer.assign("b", features(BRIDGE_TOLL), day(0)) == "b"  # 0.36 < 0.4
    assert clusterer.assign("c", features(ELECTION), day(0)) == "c"  # nothing shared: not even a candidate
    assert sorted(clusterer.stories) == ["a", "b", "c"]
    assert all(story.size == 1 for story in clusterer.stories.values())


def test_distance_in_time_lowers_the_similarity():
    settings = ClusterSettings(threshold=0.3, window=timedelta(days=7), time_penalty=0.5)
    clusterer = OnlineClusterer(settings)
    clusterer.assign("a", features(BRIDGE), day(0))
    assert clusterer.assign("b", features(BRIDGE), day(3.5)) == "a"
    assert clusterer.last_score == pytest.approx(1 - 0.5 * 3.5 / 7)  # half a window away: a quarter off


def test_years_named_apart_lower_the_similarity():
    clusterer = OnlineClusterer(ClusterSettings(year_penalty=0.85))
    clusterer.assign("a", features(BRIDGE, years=(2008, 2008)), day(0))
    assert clusterer.assign("b", features(BRIDGE, years=(2011,)), day(0)) == "a"
    assert clusterer.last_score == pytest.approx(0.85)
    assert clusterer.assign("c", features(BRIDGE, years=(2008,)), day(0)) == "a"
    assert clusterer.last_score == pytest.approx(1.0)  # a year the story names: no penalty


def test_a_story_past_the_window_is_archived_and_a_late_report_still_finds_it():
    clusterer = OnlineClusterer(ClusterSettings(window=timedelta(days=7)))
    clusterer.assign("a", features(BRIDGE), day(0))
    # Ten days on: "a" is older than the window, so it leaves the active set and the same words start a new story.
    assert clusterer.assign("b", features(BRIDGE), day(10)) == "b"
    assert sorted(clusterer.stories) == ["b"] and sorted(clusterer.archive.stories) == ["a"]
    assert all("a" not in holders for holders in clusterer.active.index.values())
    # A report dated day 1 arrives late: it is compared with the stories of its own time, archived or not.
    assert clusterer.assign("c", features(BRIDGE), day(1)) == "a"
    assert clusterer.last_score == pytest.approx(1 - 0.5 * 1 / 7)
    assert clusterer.archive.stories["a"].size == 2 and "a" not in clusterer.stories


def test_an_undated_report_finds_an_archived_story():
    clusterer = OnlineClusterer(ClusterSettings(window=timedelta(days=7)))
    clusterer.assign("a", features(BRIDGE), day(0))
    clusterer.assign("b", features(ELECTION), day(10))  # the clock moves on: "a" is archived
    assert sorted(clusterer.archive.stories) == ["a"]
    assert clusterer.assign("c", features(BRIDGE_TOLL), None) == "a"  # no date: a story of any time may be its own
    assert clusterer.last_score == pytest.approx(0.36)


def test_the_oldest_story_leaves_when_too_many_are_active():
    clusterer = OnlineClusterer(ClusterSettings(max_active=2))
    for story_id, terms in (("a", BRIDGE), ("b", ELECTION), ("c", {"harbour": 1.0})):
        clusterer.assign(story_id, features(terms), day(0))
    assert sorted(clusterer.stories) == ["b", "c"] and sorted(clusterer.archive.stories) == ["a"]


def test_ties_go_to_the_lower_story_id_whatever_the_arrival_order():
    clusterer = OnlineClusterer(ClusterSettings(threshold=0.5, merge_threshold=0))  # the assignment alone
    clusterer.assign("s2", features(BRIDGE), day(0))
    clusterer.assign("s1", features(BRIDGE_TOLL), day(0))  # 0.36 < 0.5: its own story
    # {"bridge": 1} scores 0.6 with both (cap 1.0): a tie, broken by id, not by which story came first.
    assert clusterer.assign("x", features({"bridge": 1.0}), day(0)) == "s1"


def test_the_same_stream_gives_the_same_stories_and_state():
    stream = [("a", BRIDGE, 0), ("b", ELECTION, 0.5), ("c", BRIDGE_TOLL, 1), ("d", {"bridge": 1.0}, 9),
              ("e", ELECTION, 2), ("f", BRIDGE, None), ("g", {"harbour": 0.6, "ballot": 0.8}, 9.5)]
    runs = []
    for _ in range(2):
        clusterer = OnlineClusterer(ClusterSettings(threshold=0.3))
        assigned = [clusterer.assign(i, features(dict(t)), None if n is None else day(n)) for i, t, n in stream]
        state = {s.id: (s.size, s.centroid, s.first_time, s.last_time)
                 for s in [*clusterer.stories.values(), *clusterer.archive.stories.values()]}
        runs.append((assigned, state))
    assert runs[0] == runs[1]
    assert runs[0][0][:3] == ["a", "b", "a"]


def test_publication_times_are_read_as_utc():
    assert as_time("2024-05-01") == datetime(2024, 5, 1, tzinfo=timezone.utc)
    assert as_time("2024-05-01T14:00:00+02:00") == datetime(2024, 5, 1, 12, tzinfo=timezone.utc)
    assert as_time("not a date") is None and as_time(None) is None


QUAKE_FIRST = {"orvik": 0.5, "quake": 0.7, "killed": 0.5}
TREMOR = {"orvik": 0.5, "tremor": 0.7, "rescuers": 0.5}  # the same event in other words: 0.23 with QUAKE_FIRST
BOTH = {"orvik": 0.5, "quake": 0.5, "tremor": 0.5, "rescuers": 0.5}  # a report using both stories' words


def normalized(terms: dict[str, float]) -> dict[str, float]:
    norm = sum(w * w for w in terms.values()) ** 0.5
    return {t: w / norm for t, w in terms.items()}


def test_a_story_that_grows_towards_another_merges_with_it_and_the_older_keeps_its_id():
    clusterer = OnlineClusterer(ClusterSettings())
    assert clusterer.assign("quake", features(normalized(QUAKE_FIRST)), day(0)) == "quake"
    assert clusterer.assign("tremor", features(normalized(TREMOR)), day(0)) == "tremor"  # too unlike: apart
    assert not clusterer.revisions
    # The bridging report joins the quake story, which now resembles the tremor story: the two become one.
    assert clusterer.assign("both", features(normalized(BOTH)), day(0)) == "quake"
    [merge] = clusterer.revisions
    assert (merge.kind, merge.story, merge.other) == ("merged", "quake", "tremor")
    # the tremor report, a story of one, scored as an article against the grown story: centroid and closest member
    assert merge.score == pytest.approx(0.524, abs=0.001)
    assert sorted(clusterer.stories) == ["quake"] and clusterer.stories["quake"].size == 3
    assert not any("tremor" in holders for holders in clusterer.active.index.values())  # the merged story is gone


def test_without_revisions_the_stories_stay_apart():
    clusterer = OnlineClusterer(ClusterSettings(merge_threshold=0))
    for article_id, terms in (("quake", QUAKE_FIRST), ("tremor", TREMOR), ("both", BOTH)):
        clusterer.assign(article_id, features(normalized(terms)), day(0))
    assert sorted(clusterer.stories) == ["quake", "tremor"] and not clusterer.revisions


def test_an_editors_split_forbids_the_merge():
    clusterer = OnlineClusterer(ClusterSettings())
    clusterer.may_merge = lambda story, other: False
    for article_id, terms in (("quake", QUAKE_FIRST), ("tremor", TREMOR), ("both", BOTH)):
        clusterer.assign(article_id, features(normalized(terms)), day(0))
    assert sorted(clusterer.stories) == ["quake", "tremor"] and not clusterer.revisions


# Two events in one town: an earthquake (A) and a dam burst (B). B's first report names the town and the dead
# as A's reports do and joins A's story (0.31) before B can be told apart.
QUAKE_A1 = {"orvik": 0.4, "quake": 0.8, "killed": 0.4, "rubble": 0.3}
QUAKE_A2 = {"orvik": 0.4, "quake": 0.8, "killed": 0.4, "tents": 0.3}
DAM_B1 = {"orvik": 0.4, "killed": 0.4, "dam": 0.8, "flood": 0.3}


def assigned(settings: ClusterSettings, stream) -> OnlineClusterer:
    clusterer = OnlineClusterer(settings)
    for article_id, terms in stream:
        clusterer.assign(article_id, features(normalized(terms)), day(0))
    return clusterer


def test_the_first_report_of_a_second_event_moves_to_its_story_once_that_story_exists():
    later = [("b2", {"dam": 0.4, "flood": 0.2, "evacuated": 0.6, "spillway": 0.5, "reservoir": 0.43}),
             ("b3", {"dam": 0.4, "flood": 0.2, "evacuated": 0.6, "spillway": 0.5, "engineers": 0.43})]
    clusterer = assigned(ClusterSettings(), [("a1", QUAKE_A1), ("a2", QUAKE_A2), ("b1", DAM_B1), later[0]])
    assert clusterer.stories["a1"].member_ids == ["a1", "a2", "b1"]  # b1 could not be told apart yet
    assert clusterer.stories["b2"].member_ids == ["b2"]
    clusterer.assign("b3", features(normalized(later[1][1])), day(0))  # the dam story grows: b1 is more like it
    [move] = clusterer.revisions
    assert (move.kind, move.story, move.other, move.articles) == ("moved", "b2", "a1", ["b1"])
    assert move.score == pytest.approx(0.372, abs=0.001)
    assert clusterer.stories["a1"].member_ids == ["a1", "a2"] and clusterer.stories["a1"].size == 2
    assert clusterer.stories["b2"].member_ids == ["b2", "b3", "b1"] and clusterer.stories["b2"].size == 3


DAM_REPORTS = [("b2", {"orvik": 0.3, "dam": 0.8, "flood": 0.5, "reservoir": 0.2}),
               ("b3", {"orvik": 0.3, "dam": 0.8, "flood": 0.5, "spillway": 0.2}),
               ("a3", {"orvik": 0.4, "quake": 0.8, "aftershock": 0.4}),
               ("b4", {"orvik": 0.2, "dam": 0.8, "flood": 0.5, "evacuated": 0.3}),
               ("b5", {"orvik": 0.2, "dam": 0.7, "reservoir": 0.5, "engineers": 0.4})]


def test_a_story_of_two_events_splits_when_its_members_form_two_groups():
    stream = [("a1", QUAKE_A1), ("a2", QUAKE_A2), ("b1", DAM_B1), *DAM_REPORTS]
    clusterer = assigned(ClusterSettings(), stream)
    # Every dam report joined through b1; at size 8 the members form two groups 0.13 alike: the story splits,
    # the larger part (the dam's five) keeps the id and the quake's three take the first free id of theirs.
    [split] = clusterer.revisions
    assert (split.kind, split.story, split.other, split.articles) == ("split", "a1", "a2", ["a1", "a2", "a3"])
    assert split.score == pytest.approx(0.13, abs=0.005)
    assert clusterer.stories["a1"].member_ids == ["b1", "b2", "b3", "b4", "b5"]
    assert clusterer.stories["a2"].member_ids == ["a1", "a2", "a3"]
    # A later quake report joins the quake's story.
    clusterer.assign("a4", features(normalized({"orvik": 0.3, "quake": 0.8, "magnitude": 0.5})), day(0))
    assert clusterer.last_story.id == "a2"
    assert sorted(assigned(ClusterSettings(split_threshold=0), stream).stories) == ["a1"]  # no split: one story
