"""The matcher: plain data in, an assignment out. No Django here.

A run is for one form. `build_candidates` applies the hard rules that depend on both sides
(no self-pairing, the curator's exclusions, a senior course for «студент – студент», a free
place) and scores every compatible pair with weighted criteria, keeping the best `top_k`
mentors of each mentee. `solve` finds an exact optimum on that candidate graph with OR-Tools'
min-cost flow: first the largest number of matched mentees, then the largest total score
(objective `MOST_MATCHED`), or the largest total score alone (`BEST_SCORES`). `greedy` is the
baseline it is compared with. `explain` gives the points of one pair criterion by criterion,
with the same arithmetic as the vectorised scoring.

Every score is a whole number of points, so the flow costs are exact integers and the same
input always gives the same output; ties are broken by ids (mentors are taken in id order).
Callers filter what depends on one side only (consent, training, categories of the form,
the mentee's other mentorships) before calling in.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
from ortools.graph.python import min_cost_flow

MOST_MATCHED = "most_matched"
BEST_SCORES = "best_scores"

# Criterion codes, in the order explanations list them.
COMPETENCIES = "competencies"
SPECIALTY = "specialty"
EMPLOYER = "employer"
MENTEE_PREFERENCE = "mentee_preference"
MENTOR_PREFERENCE = "mentor_preference"
LOAD = "load"
CRITERIA = (COMPETENCIES, SPECIALTY, EMPLOYER, MENTEE_PREFERENCE, MENTOR_PREFERENCE, LOAD)

# Why a mentee got no proposal.
NO_COMPATIBLE = "no_compatible_mentor"
MENTORS_FULL = "mentors_full"
PLACES_TAKEN = "places_taken"

MAX_PREFERENCES = 3
DEFAULT_TOP_K = 20
_CHUNK_ROWS = 1024  # mentees scored at once: bounds memory to chunk × mentors


@dataclass(frozen=True)
class Weights:
    """Points a criterion gives at its best; a criterion with weight 0 is off."""

    competencies: int = 40
    specialty: int = 20
    employer: int = 20
    mentee_preference: int = 25
    mentor_preference: int = 15
    load: int = 10

    @property
    def max_score(self) -> int:
        return (self.competencies + self.specialty + self.employer + self.mentee_preference
                + self.mentor_preference + self.load)


@dataclass(frozen=True)
class Mentee:
    id: int
    person_id: int
    competencies: frozenset[int] = frozenset()
    specialty: int | None = None
    specialty_group: str = ""
    course: int | None = None
    preferred_mentors: tuple[int, ...] = ()  # mentor ids, first choice first


@dataclass(frozen=True)
class Mentor:
    id: int
    person_id: int
    capacity: int
    load: int = 0  # active mentees now
    competencies: frozenset[int] = frozenset()
    specialty: int | None = None
    specialty_group: str = ""
    course: int | None = None
    is_employer: bool = False
    employer_specialties: frozenset[int] = frozenset()  # the enterprise's profile
    preferred_mentees: tuple[int, ...] = ()  # mentee ids, first choice first
    reserved: int = 0  # places promised elsewhere (e.g. other proposals)

    @property
    def free(self) -> int:
        return max(0, self.capacity - self.load - self.reserved)


@dataclass
class CandidateGraph:
    """The best candidates of each mentee: parallel arrays of edges sorted by mentee index,
    then score (high first), then mentor id. `status[i]` is "" when mentee i has a
    candidate, else why not (NO_COMPATIBLE or MENTORS_FULL)."""

    mentee_ids: np.ndarray
    mentor_ids: np.ndarray
    free: np.ndarray
    edge_mentee: np.ndarray
    edge_mentor: np.ndarray
    edge_score: np.ndarray
    status: list[str]
    compatible_pairs: int = 0

    @property
    def edges(self) -> int:
        return int(self.edge_mentee.size)


@dataclass
class Assignment:
    """`mentor_of[i]` is the mentor index of mentee i, or -1."""

    mentor_of: np.ndarray
    score_of: np.ndarray
    total_score: int
    matched: int
    reasons: list[str] = field(default_factory=list)

    def pairs(self, graph: CandidateGraph) -> list[tuple[int, int | None, int, str]]:
        """(mentee id, mentor id or None, score, unmatched reason) per mentee, in input order."""
        out: list[tuple[int, int | None, int, str]] = []
        for i, mentee_id in enumerate(graph.mentee_ids.tolist()):
            j = int(self.mentor_of[i])
            if j >= 0:
                out.append((mentee_id, int(graph.mentor_ids[j]), int(self.score_of[i]), ""))
            else:
                out.append((mentee_id, None, 0, self.reasons[i]))
        return out


def _round(x: float) -> int:
    return math.floor(x + 0.5)


def _rank_points(weight: int, rank: int) -> int:
    """First choice gives the full weight, the third a third of it."""
    return _round(weight * (MAX_PREFERENCES + 1 - rank) / MAX_PREFERENCES)


def explain(mentee: Mentee, mentor: Mentor, weights: Weights
            ) -> list[tuple[str, int, dict[str, object]]]:
    """Each criterion that applies to the pair, with its points and the figures behind them
    (for a translated sentence). The points add up to the pair's score in `build_candidates`."""
    lines: list[tuple[str, int, dict[str, object]]] = []
    if weights.competencies and mentee.competencies:
        matched = len(mentee.competencies & mentor.competencies)
        wanted = len(mentee.competencies)
        lines.append((COMPETENCIES, _round(weights.competencies * matched / wanted),
                      {"matched": matched, "wanted": wanted}))
    if weights.specialty and mentee.specialty is not None and mentor.specialty is not None:
        if mentee.specialty == mentor.specialty:
            lines.append((SPECIALTY, weights.specialty, {"level": "same"}))
        elif mentee.specialty_group and mentee.specialty_group == mentor.specialty_group:
            lines.append((SPECIALTY, _round(weights.specialty / 2), {"level": "group"}))
    if weights.employer and mentor.is_employer and mentee.specialty is not None \
            and mentee.specialty in mentor.employer_specialties:
        lines.append((EMPLOYER, weights.employer, {}))
    if weights.mentee_preference and mentor.id in mentee.preferred_mentors:
        rank = mentee.preferred_mentors.index(mentor.id) + 1
        lines.append((MENTEE_PREFERENCE, _rank_points(weights.mentee_preference, rank),
                      {"rank": rank}))
    if weights.mentor_preference and mentee.id in mentor.preferred_mentees:
        rank = mentor.preferred_mentees.index(mentee.id) + 1
        lines.append((MENTOR_PREFERENCE, _rank_points(weights.mentor_preference, rank),
                      {"rank": rank}))
    if weights.load:
        lines.append((LOAD, _load_points(weights.load, mentor.load, mentor.capacity),
                      {"load": mentor.load, "capacity": mentor.capacity}))
    return lines


def _load_points(weight: int, load: int, capacity: int) -> int:
    return _round(weight * (1 - min(load, capacity) / capacity)) if capacity > 0 else 0


def score_pair(mentee: Mentee, mentor: Mentor, weights: Weights) -> int:
    return sum(points for _code, points, _params in explain(mentee, mentor, weights))


def is_compatible(mentee: Mentee, mentor: Mentor, *, senior_course: bool = False,
                  exclusions: frozenset[tuple[int, int]] | set[tuple[int, int]] = frozenset()
                  ) -> bool:
    """The pair-level hard rules (capacity aside)."""
    if mentee.person_id == mentor.person_id or (mentee.id, mentor.id) in exclusions:
        return False
    return not (senior_course and mentee.course is not None and mentor.course is not None
                and mentor.course <= mentee.course)


def build_candidates(
    mentees: Sequence[Mentee], mentors: Sequence[Mentor], weights: Weights, *,
    top_k: int = DEFAULT_TOP_K, senior_course: bool = False,
    exclusions: frozenset[tuple[int, int]] | set[tuple[int, int]] = frozenset(),
    progress: Callable[[float], None] | None = None,
) -> CandidateGraph:
    """Score every compatible pair and keep each mentee's `top_k` best mentors with a free
    place (`top_k=0` keeps all). Vectorised with numpy, a chunk of mentees at a time."""
    mentors = sorted(mentors, key=lambda x: x.id)
    n, m = len(mentees), len(mentors)
    mentee_ids = np.fromiter((x.id for x in mentees), dtype=np.int64, count=n)
    mentor_ids = np.fromiter((x.id for x in mentors), dtype=np.int64, count=m)
    free = np.fromiter((x.free for x in mentors), dtype=np.int64, count=m)
    empty = np.zeros(0, np.int64)
    if n == 0 or m == 0:
        return CandidateGraph(mentee_ids, mentor_ids, free, empty, empty, empty,
                              status=[NO_COMPATIBLE] * n)

    # Competency sets as bitmasks (several 64-bit words when the catalogue is larger):
    # the overlap of two sets is a popcount of an AND.
    comp_index: dict[int, int] = {}
    for x in (*mentees, *mentors):
        for c in x.competencies:
            comp_index.setdefault(c, len(comp_index))
    words = max(1, -(-len(comp_index) // 64))

    def masks(items: Sequence[Mentee] | Sequence[Mentor]) -> np.ndarray:
        out = np.zeros((words, len(items)), dtype=np.uint64)
        for k, x in enumerate(items):
            for c in x.competencies:
                bit = comp_index[c]
                out[bit // 64, k] |= np.uint64(1 << (bit % 64))
        return out

    mentor_comp = masks(mentors)
    most_wanted = max((len(x.competencies) for x in mentees), default=0)
    # comp_points[wanted, matched]: the same rounding as `explain`.
    comp_points = np.zeros((most_wanted + 1, most_wanted + 1), dtype=np.int32)
    for wanted in range(1, most_wanted + 1):
        for matched in range(wanted + 1):
            comp_points[wanted, matched] = _round(weights.competencies * matched / wanted)

    groups: dict[str, int] = {}

    def codes(values: Sequence[int | str | None], unknown: int, *, group: bool = False
              ) -> np.ndarray:
        out = np.empty(len(values), dtype=np.int64)
        for k, v in enumerate(values):
            if v is None or v == "":
                out[k] = unknown
            else:
                out[k] = groups.setdefault(v, len(groups) + 1) if group else v  # type: ignore[assignment]
        return out

    # Unknown values differ between the sides (-1 and -2) so that they never match.
    r_spec = codes([x.specialty for x in mentors], -1)
    r_group = codes([x.specialty_group if x.specialty is not None else "" for x in mentors],
                    -1, group=True)
    r_person = codes([x.person_id for x in mentors], -1)
    r_course = codes([x.course for x in mentors], 0)
    r_load = np.array([_load_points(weights.load, x.load, x.capacity) if weights.load else 0
                       for x in mentors], dtype=np.int32)
    mentor_index = {x.id: j for j, x in enumerate(mentors)}
    has_free = free > 0
    half_specialty = _round(weights.specialty / 2)

    employer_profile: np.ndarray | None = None
    spec_values = empty
    if weights.employer and any(x.is_employer and x.employer_specialties for x in mentors):
        spec_values = np.array(sorted({s for x in mentors if x.is_employer
                                       for s in x.employer_specialties}), dtype=np.int64)
        employer_profile = np.zeros((spec_values.size + 1, m), dtype=np.int32)
        for j, x in enumerate(mentors):
            if x.is_employer:
                for s in x.employer_specialties:
                    employer_profile[np.searchsorted(spec_values, s), j] = weights.employer

    mentor_pref: dict[int, list[tuple[int, int]]] = {}
    if weights.mentor_preference:
        for j, x in enumerate(mentors):
            for rank, mentee_id in enumerate(x.preferred_mentees[:MAX_PREFERENCES], start=1):
                mentor_pref.setdefault(mentee_id, []).append(
                    (j, _rank_points(weights.mentor_preference, rank)))
    excluded: dict[int, list[int]] = {}
    for mentee_id, mentor_id in exclusions:
        if mentor_id in mentor_index:
            excluded.setdefault(mentee_id, []).append(mentor_index[mentor_id])

    key_type = np.int32 if (weights.max_score + 2) * (m + 1) < 2**31 else np.int64
    # A larger key wins; equal scores go to the mentor with the smaller id.
    tie = (m - np.arange(m)).astype(key_type)
    keep = m if top_k <= 0 else min(top_k, m)
    edges_i: list[np.ndarray] = []
    edges_j: list[np.ndarray] = []
    edges_s: list[np.ndarray] = []
    status = [""] * n
    compatible_pairs = 0
    for start in range(0, n, _CHUNK_ROWS):
        chunk = mentees[start:start + _CHUNK_ROWS]
        rows = len(chunk)
        score = np.broadcast_to(r_load, (rows, m)).copy()
        if weights.competencies and most_wanted:
            wanted = masks(chunk)
            overlap = np.bitwise_count(wanted[0][:, None] & mentor_comp[0][None, :])
            for word in range(1, words):
                overlap += np.bitwise_count(wanted[word][:, None] & mentor_comp[word][None, :])
            wanted_count = np.fromiter((len(x.competencies) for x in chunk), dtype=np.int64,
                                       count=rows)
            for count in np.unique(wanted_count).tolist():
                if count:
                    sel = wanted_count == count
                    score[sel] += comp_points[count][overlap[sel]]
        e_spec = codes([x.specialty for x in chunk], -2)
        if weights.specialty:
            e_group = codes([x.specialty_group if x.specialty is not None else "" for x in chunk],
                            -2, group=True)
            points = np.multiply(e_group[:, None] == r_group[None, :], half_specialty,
                                 dtype=np.int32)
            np.putmask(points, e_spec[:, None] == r_spec[None, :], weights.specialty)
            score += points
        if employer_profile is not None:
            row = np.searchsorted(spec_values, e_spec)
            found = (row < spec_values.size) & (spec_values[np.minimum(
                row, spec_values.size - 1)] == e_spec)
            score += employer_profile[np.where(found, row, spec_values.size)]
        for i, x in enumerate(chunk):
            if weights.mentee_preference:
                for rank, mentor_id in enumerate(x.preferred_mentors[:MAX_PREFERENCES], start=1):
                    j = mentor_index.get(mentor_id)
                    if j is not None:
                        score[i, j] += _rank_points(weights.mentee_preference, rank)
            for j, points in mentor_pref.get(x.id, ()):
                score[i, j] += points

        ok = codes([x.person_id for x in chunk], -2)[:, None] != r_person[None, :]
        if senior_course:
            e_course = codes([x.course for x in chunk], 0)
            ok &= ~((e_course[:, None] > 0) & (r_course[None, :] > 0)
                    & (r_course[None, :] <= e_course[:, None]))
        for i, x in enumerate(chunk):
            for j in excluded.get(x.id, ()):
                ok[i, j] = False
        compatible_pairs += int(np.count_nonzero(ok))
        any_ok = ok.any(axis=1)
        ok &= has_free[None, :]
        any_free = ok.any(axis=1)
        for i in np.flatnonzero(~any_free).tolist():
            status[start + i] = MENTORS_FULL if any_ok[i] else NO_COMPATIBLE

        key = score.astype(key_type) * key_type(m + 1) + tie[None, :]
        np.putmask(key, ~ok, -1)
        if keep < m:
            top = np.argpartition(key, m - keep, axis=1)[:, m - keep:]
        else:
            top = np.broadcast_to(np.arange(m), (rows, m))
        top_key = np.take_along_axis(key, top, axis=1)
        order = np.argsort(-top_key, axis=1, kind="stable")
        top = np.take_along_axis(top, order, axis=1)
        top_key = np.take_along_axis(top_key, order, axis=1)
        valid = top_key >= 0
        row_idx = np.broadcast_to(np.arange(rows)[:, None], top.shape)
        edges_i.append(row_idx[valid] + start)
        edges_j.append(top[valid])
        edges_s.append(np.take_along_axis(score, top, axis=1)[valid])
        if progress is not None:
            progress(min(1.0, (start + rows) / n))

    return CandidateGraph(
        mentee_ids=mentee_ids, mentor_ids=mentor_ids, free=free,
        edge_mentee=np.concatenate(edges_i).astype(np.int64),
        edge_mentor=np.concatenate(edges_j).astype(np.int64),
        edge_score=np.concatenate(edges_s).astype(np.int64),
        status=status, compatible_pairs=compatible_pairs,
    )


def _finish(graph: CandidateGraph, mentor_of: np.ndarray, score_of: np.ndarray) -> Assignment:
    reasons = [
        "" if mentor_of[i] >= 0 else (graph.status[i] or PLACES_TAKEN)
        for i in range(len(graph.status))
    ]
    matched = mentor_of >= 0
    return Assignment(mentor_of=mentor_of, score_of=np.where(matched, score_of, 0),
                      total_score=int(score_of[matched].sum()), matched=int(matched.sum()),
                      reasons=reasons)


def solve(graph: CandidateGraph, *, objective: str = MOST_MATCHED) -> Assignment:
    """An optimal assignment on the candidate graph under every mentor's free places, by
    OR-Tools' min-cost flow: source → mentee (1) → mentor (cost: the best score minus the
    pair's) → sink (the mentor's free places).

    MOST_MATCHED solves for the maximum flow of minimum cost: the largest number of matched
    mentees, and among those the largest total score. BEST_SCORES lets a mentee's unit also
    go straight to the sink at the cost of a zero score, so only the total score counts."""
    n, m = graph.mentee_ids.size, graph.mentor_ids.size
    mentor_of = np.full(n, -1, dtype=np.int64)
    score_of = np.zeros(n, dtype=np.int64)
    if graph.edges == 0:
        return _finish(graph, mentor_of, score_of)
    best = int(graph.edge_score.max())
    source, sink = n + m, n + m + 1
    tails = [np.full(n, source), graph.edge_mentee, n + np.arange(m)]
    heads = [np.arange(n), n + graph.edge_mentor, np.full(m, sink)]
    capacities = [np.ones(n, np.int64), np.ones(graph.edges, np.int64), graph.free]
    costs = [np.zeros(n, np.int64), best - graph.edge_score, np.zeros(m, np.int64)]
    if objective == BEST_SCORES:
        tails.append(np.arange(n))
        heads.append(np.full(n, sink))
        capacities.append(np.ones(n, np.int64))
        costs.append(np.full(n, best, np.int64))
    flow = min_cost_flow.SimpleMinCostFlow()
    flow.add_arcs_with_capacity_and_unit_cost(
        np.concatenate(tails).astype(np.int32), np.concatenate(heads).astype(np.int32),
        np.concatenate(capacities).astype(np.int64), np.concatenate(costs).astype(np.int64))
    flow.set_node_supply(source, n)
    flow.set_node_supply(sink, -n)
    status = (flow.solve() if objective == BEST_SCORES
              else flow.solve_max_flow_with_min_cost())
    if status != flow.OPTIMAL:
        raise RuntimeError(f"min-cost flow ended with status {status}")
    used = flow.flows(np.arange(n, n + graph.edges, dtype=np.int32)) > 0
    mentor_of[graph.edge_mentee[used]] = graph.edge_mentor[used]
    score_of[graph.edge_mentee[used]] = graph.edge_score[used]
    return _finish(graph, mentor_of, score_of)


def greedy(graph: CandidateGraph) -> Assignment:
    """The baseline: take pairs from the best score down (ties by mentee, then mentor id)
    while the mentee is free and the mentor has a place."""
    n = graph.mentee_ids.size
    mentor_of = np.full(n, -1, dtype=np.int64)
    score_of = np.zeros(n, dtype=np.int64)
    order = np.lexsort((graph.mentor_ids[graph.edge_mentor], graph.mentee_ids[graph.edge_mentee],
                        -graph.edge_score))
    left = graph.free.copy()
    for e in order.tolist():
        i, j = int(graph.edge_mentee[e]), int(graph.edge_mentor[e])
        if mentor_of[i] < 0 and left[j] > 0:
            mentor_of[i] = j
            score_of[i] = graph.edge_score[e]
            left[j] -= 1
    return _finish(graph, mentor_of, score_of)


def ranked_candidates(
    mentee: Mentee, mentors: Sequence[Mentor], weights: Weights, *, senior_course: bool = False,
    exclusions: frozenset[tuple[int, int]] | set[tuple[int, int]] = frozenset(),
) -> list[tuple[Mentor, int]]:
    """The compatible mentors of one mentee, best first (score, then id), full ones too."""
    scored = [(mentor, score_pair(mentee, mentor, weights)) for mentor in mentors
              if is_compatible(mentee, mentor, senior_course=senior_course,
                               exclusions=exclusions)]
    return sorted(scored, key=lambda pair: (-pair[1], pair[0].id))
