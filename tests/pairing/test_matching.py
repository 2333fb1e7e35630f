"""The optimiser on its own: hand-made cases and properties (hypothesis)."""

from __future__ import annotations

import itertools
import random

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pairing import matching
from pairing.matching import (
    BEST_SCORES,
    MOST_MATCHED,
    CandidateGraph,
    Mentee,
    Mentor,
    Weights,
    build_candidates,
    explain,
    greedy,
    is_compatible,
    score_pair,
    solve,
)


def graph(edges: list[tuple[int, int, int]], free: list[int], n: int) -> CandidateGraph:
    """A candidate graph straight from (mentee index, mentor index, score) edges."""
    edges = sorted(edges, key=lambda e: (e[0], -e[2], e[1]))
    arr = np.array(edges, dtype=np.int64).reshape(-1, 3)
    return CandidateGraph(
        mentee_ids=np.arange(1, n + 1), mentor_ids=np.arange(101, 101 + len(free)),
        free=np.array(free, dtype=np.int64), edge_mentee=arr[:, 0], edge_mentor=arr[:, 1],
        edge_score=arr[:, 2], status=[""] * n)


def test_greedy_is_worse_where_the_best_pair_blocks_two() -> None:
    # Mentor 0 is everybody's favourite; greedy gives it to mentee 0 and mentee 1 is left
    # with nobody. The optimum sends mentee 0 to mentor 1.
    g = graph([(0, 0, 100), (0, 1, 90), (1, 0, 95)], free=[1, 1], n=2)
    best = solve(g)
    base = greedy(g)
    assert base.total_score == 100 and base.matched == 1
    assert best.total_score == 185 and best.matched == 2
    assert best.mentor_of.tolist() == [1, 0]
    assert base.reasons[1] == matching.PLACES_TAKEN


def test_most_matched_comes_before_the_score() -> None:
    g = graph([(0, 0, 100), (0, 1, 10), (1, 0, 20)], free=[1, 1], n=2)
    most = solve(g, objective=MOST_MATCHED)
    best = solve(g, objective=BEST_SCORES)
    assert (most.matched, most.total_score) == (2, 30)
    assert (best.matched, best.total_score) == (1, 100)


def test_group_capacity_is_used() -> None:
    g = graph([(0, 0, 5), (1, 0, 5), (2, 0, 5), (2, 1, 1)], free=[2, 1], n=3)
    a = solve(g)
    assert a.matched == 3
    assert sorted(a.mentor_of.tolist()) == [0, 0, 1]


def test_explanation_adds_up_and_names_each_criterion() -> None:
    mentee = Mentee(id=1, person_id=10, competencies=frozenset({1, 2, 3}), specialty=7,
                    specialty_group="21", preferred_mentors=(5, 6))
    mentor = Mentor(id=6, person_id=20, capacity=4, load=1, competencies=frozenset({1, 2, 9}),
                    specialty=7, specialty_group="21", is_employer=True,
                    employer_specialties=frozenset({7, 8}), preferred_mentees=(1,))
    w = Weights()
    lines = explain(mentee, mentor, w)
    assert lines == [
        (matching.COMPETENCIES, 27, {"matched": 2, "wanted": 3}),
        (matching.SPECIALTY, 20, {"level": "same"}),
        (matching.EMPLOYER, 20, {}),
        (matching.MENTEE_PREFERENCE, 17, {"rank": 2}),
        (matching.MENTOR_PREFERENCE, 15, {"rank": 1}),
        (matching.LOAD, 8, {"load": 1, "capacity": 4}),
    ]
    g = build_candidates([mentee], [mentor], w)
    assert g.edge_score.tolist() == [sum(p for _c, p, _x in lines)] == [107]


def test_related_specialty_gives_half() -> None:
    mentee = Mentee(id=1, person_id=1, specialty=7, specialty_group="21")
    mentor = Mentor(id=2, person_id=2, capacity=1, specialty=8, specialty_group="21")
    assert explain(mentee, mentor, Weights(load=0)) == [
        (matching.SPECIALTY, 10, {"level": "group"})]


def test_hard_rules_and_reasons() -> None:
    w = Weights()
    mentees = [
        Mentee(id=1, person_id=100),  # the mentor themself
        Mentee(id=2, person_id=2, course=3),  # student mentor of course 3: not senior
        Mentee(id=3, person_id=3, course=1),  # excluded with mentor 10, mentor 11 is full
        Mentee(id=4, person_id=4, course=1),
    ]
    mentors = [Mentor(id=10, person_id=100, capacity=1, course=3),
               Mentor(id=11, person_id=101, capacity=1, load=1, course=4)]
    g = build_candidates(mentees, mentors, w, senior_course=True,
                         exclusions={(3, 10)})
    # Mentee 1 could only have mentor 11, who is full; mentee 2 the same (10 is not senior).
    assert g.status == [matching.MENTORS_FULL, matching.MENTORS_FULL,
                        matching.MENTORS_FULL, ""]
    a = solve(g)
    assert [p[1] for p in a.pairs(g)] == [None, None, None, 10]
    lonely = build_candidates([Mentee(id=5, person_id=100)], [mentors[0]], w)
    assert lonely.status == [matching.NO_COMPATIBLE]


def test_top_k_keeps_the_best_and_ties_go_to_the_smaller_id() -> None:
    mentees = [Mentee(id=1, person_id=1, competencies=frozenset({1}))]
    mentors = [Mentor(id=i, person_id=100 + i, capacity=1,
                      competencies=frozenset({1}) if i in (7, 3, 9) else frozenset())
               for i in (9, 8, 7, 3, 2)]
    g = build_candidates(mentees, mentors, Weights(), top_k=2)
    assert g.mentor_ids[g.edge_mentor].tolist() == [3, 7]
    assert solve(g).pairs(g)[0][1] == 3


# --------------------------------------------------------------------------- properties

@st.composite
def instances(draw: st.DrawFn, max_mentees: int = 7, max_mentors: int = 4):
    n = draw(st.integers(0, max_mentees))
    m = draw(st.integers(0, max_mentors))
    comps = st.frozensets(st.integers(1, 4), max_size=3)
    spec = st.one_of(st.none(), st.integers(1, 3))
    mentor_ids = list(range(100, 100 + m))
    mentors = []
    for j in range(m):
        capacity = draw(st.integers(1, 3))
        mentors.append(Mentor(
            id=mentor_ids[j], person_id=draw(st.integers(1, 12)), capacity=capacity,
            load=draw(st.integers(0, capacity)), competencies=draw(comps),
            specialty=draw(spec), specialty_group=draw(st.sampled_from(["", "a", "b"])),
            course=draw(st.one_of(st.none(), st.integers(1, 4))),
            is_employer=draw(st.booleans()),
            employer_specialties=draw(st.frozensets(st.integers(1, 3), max_size=2)),
            preferred_mentees=tuple(draw(st.lists(st.integers(1, n or 1), max_size=3,
                                                  unique=True))),
        ))
    mentees = [Mentee(
        id=i + 1, person_id=draw(st.integers(1, 12)), competencies=draw(comps),
        specialty=draw(spec), specialty_group=draw(st.sampled_from(["", "a", "b"])),
        course=draw(st.one_of(st.none(), st.integers(1, 4))),
        preferred_mentors=tuple(draw(st.lists(st.sampled_from(mentor_ids), max_size=3,
                                              unique=True))) if m else (),
    ) for i in range(n)]
    exclusions = set()
    if n and m:
        exclusions = set(draw(st.lists(st.tuples(st.integers(1, n), st.sampled_from(mentor_ids)),
                                       max_size=3)))
    senior = draw(st.booleans())
    weights = Weights(*draw(st.lists(st.integers(0, 30), min_size=6, max_size=6)))
    return mentees, mentors, exclusions, senior, weights


def brute_force(mentees: list[Mentee], mentors: list[Mentor], exclusions: set, senior: bool,
                weights: Weights) -> tuple[int, int, int]:
    """(most matched, best score with that many, best score at all) by enumeration."""
    options = []
    for x in mentees:
        options.append([None] + [y for y in mentors if y.free > 0 and is_compatible(
            x, y, senior_course=senior, exclusions=exclusions)])
    best_lex = (0, 0)
    best_score = 0
    for choice in itertools.product(*options):
        used: dict[int, int] = {}
        for y in choice:
            if y is not None:
                used[y.id] = used.get(y.id, 0) + 1
        if any(used[y.id] > y.free for y in mentors if y.id in used):
            continue
        matched = sum(y is not None for y in choice)
        score = sum(score_pair(x, y, weights) for x, y in zip(mentees, choice, strict=True)
                    if y is not None)
        best_lex = max(best_lex, (matched, score))
        best_score = max(best_score, score)
    return best_lex[0], best_lex[1], best_score


PROPERTY = settings(max_examples=150, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(instances())
def test_assignment_respects_capacity_and_hard_rules(case) -> None:  # type: ignore[no-untyped-def]
    mentees, mentors, exclusions, senior, weights = case
    g = build_candidates(mentees, mentors, weights, senior_course=senior, exclusions=exclusions)
    by_id = {y.id: y for y in mentors}
    for objective in (MOST_MATCHED, BEST_SCORES):
        a = solve(g, objective=objective)
        counts: dict[int, int] = {}
        for x, (mentee_id, mentor_id, score, reason) in zip(mentees, a.pairs(g), strict=True):
            assert mentee_id == x.id
            if mentor_id is None:
                assert reason in (matching.NO_COMPATIBLE, matching.MENTORS_FULL,
                                  matching.PLACES_TAKEN)
                continue
            y = by_id[mentor_id]
            counts[mentor_id] = counts.get(mentor_id, 0) + 1
            assert x.person_id != y.person_id
            assert (x.id, y.id) not in exclusions
            assert is_compatible(x, y, senior_course=senior, exclusions=exclusions)
            assert score == score_pair(x, y, weights)
        assert all(counts[k] <= by_id[k].free for k in counts)
        assert a.total_score == sum(p[2] for p in a.pairs(g))


@PROPERTY
@given(instances())
def test_never_worse_than_greedy_and_optimal_against_enumeration(case) -> None:  # type: ignore[no-untyped-def]
    mentees, mentors, exclusions, senior, weights = case
    g = build_candidates(mentees, mentors, weights, top_k=0, senior_course=senior,
                         exclusions=exclusions)
    base = greedy(g)
    most = solve(g, objective=MOST_MATCHED)
    best = solve(g, objective=BEST_SCORES)
    assert best.total_score >= base.total_score
    assert (most.matched, most.total_score) >= (base.matched, base.total_score)
    if len(mentees) <= 5:
        matched, score_at_most, best_score = brute_force(mentees, mentors, exclusions, senior,
                                                         weights)
        assert (most.matched, most.total_score) == (matched, score_at_most)
        assert best.total_score == best_score


@PROPERTY
@given(instances(), st.randoms(use_true_random=False))
def test_same_input_same_output(case, rnd: random.Random) -> None:  # type: ignore[no-untyped-def]
    mentees, mentors, exclusions, senior, weights = case
    first = build_candidates(mentees, mentors, weights, senior_course=senior,
                             exclusions=exclusions)
    shuffled = list(mentors)
    rnd.shuffle(shuffled)
    second = build_candidates(mentees, shuffled, weights, senior_course=senior,
                              exclusions=exclusions)
    assert solve(first).pairs(first) == solve(second).pairs(second)
    assert greedy(first).pairs(first) == greedy(second).pairs(second)


@PROPERTY
@given(instances())
def test_vectorised_scores_match_the_explanations(case) -> None:  # type: ignore[no-untyped-def]
    mentees, mentors, exclusions, senior, weights = case
    g = build_candidates(mentees, mentors, weights, top_k=0, senior_course=senior,
                         exclusions=exclusions)
    ordered = sorted(mentors, key=lambda y: y.id)
    for i, j, s in zip(g.edge_mentee.tolist(), g.edge_mentor.tolist(), g.edge_score.tolist(),
                       strict=True):
        assert s == score_pair(mentees[i], ordered[j], weights)
    # every compatible pair with a free place is a candidate when top_k is off
    expected = sum(1 for x in mentees for y in mentors
                   if y.free > 0 and is_compatible(x, y, senior_course=senior,
                                                   exclusions=exclusions))
    assert g.edges == expected


def test_a_large_competency_catalogue_scores_the_same() -> None:
    # 130 competencies need three 64-bit words per set.
    mentors = [Mentor(id=j, person_id=1000 + j, capacity=1,
                      competencies=frozenset(range(j, 130, 7))) for j in range(1, 8)]
    mentees = [Mentee(id=i, person_id=i, competencies=frozenset({i, 64 + i, 127 - i}))
               for i in range(1, 10)]
    g = build_candidates(mentees, mentors, Weights(), top_k=0)
    by_id = {y.id: y for y in mentors}
    for i, j, s in zip(g.edge_mentee.tolist(), g.edge_mentor.tolist(), g.edge_score.tolist(),
                       strict=True):
        assert s == score_pair(mentees[i], by_id[int(g.mentor_ids[j])], Weights())
    assert g.edges == len(mentees) * len(mentors)
