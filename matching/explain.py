"""Why a (job, candidate) pair got its score: the plain-language reasons of one match.

Each ``*_reasons`` function reads one kind of evidence (skills, location, salary...) and
returns the reasons it supports, each with how much it moved the score (the feature's weight,
times the feature where the reason is about its value), so that :func:`explain` can put the
strongest first. Codes and parameters are the templates of :mod:`matching.reasons`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from . import defaults
from .encode import candidate_skills, job_skills, occupation_of, related_skills
from .grams import bigrams
from .occupations import code_num, occupations_by_num, shared_levels
from .profiles import CandidateProfile, JobProfile, MatchContext
from .reasons import Reason
from .regions import cooperation_mask, region_name, region_of, shared_prefix_level
from .skills import CJK_RE, vocabulary
from .text import normalize

WeightedReason = tuple[float, Reason]

SIMILAR = 0.6
"""Title and text features from here up are worth saying ("similar role")."""
RELATED_SKILLS_RANK = 0.3
"""Share of the skills weight that orders "has related skills": below a real overlap."""
SKILLS_WORTH_MISSING = 0.75
"""Below this skills feature the missing skills are worth a negative reason; above it (4 of 5,
say) the fit is good and listing the fifth would only discourage."""
COOPERATION_RANK = 1.01
"""A labor-cooperation link is the employer's own programme: it goes before any place reason."""
RESPONSIVE_RATE = 0.7
"""Employers answering at least this share of applications are called responsive."""

LOCATION_CODES = {6: "same_county", 4: "same_city", 2: "same_province"}
"""Reason code per shared region-code prefix length."""


@dataclass(frozen=True)
class Pair:
    """What every reason looks at: both profiles, their features and the feature weights."""

    job: JobProfile
    candidate: CandidateProfile
    features: dict[str, float]
    weights: dict[str, float]
    context: MatchContext

    def contribution(self, feature: str) -> float:
        return self.weights[feature] * self.features[feature]

    def shortfall(self, feature: str) -> float:
        return self.weights[feature] * (1 - self.features[feature])


def explain(
    job: JobProfile, candidate: CandidateProfile, features: dict[str, float], ctx: MatchContext
) -> list[Reason]:
    """Reasons, strongest first: what drove the score up, then what held it down."""
    pair = Pair(job, candidate, features, ctx.weights or defaults.WEIGHTS, ctx)
    found = [
        *skill_reasons(pair),
        *similarity_reasons(pair),
        *occupation_reasons(pair),
        *location_reasons(pair),
        *salary_reasons(pair),
        *experience_reasons(pair),
        *education_reasons(pair),
        *availability_reasons(pair),
        *posting_reasons(pair),
    ]
    positive = sorted((w for w in found if w[1].positive), key=lambda w: -w[0])
    negative = sorted((w for w in found if not w[1].positive), key=lambda w: -w[0])
    return [reason for _, reason in positive + negative]


def skill_names(skill_ids: Iterable[str], typed: dict | None = None) -> dict:
    """Vocabulary skills named in both languages, in id order. A skill outside the vocabulary
    is named as someone typed it (``typed``: canonical id -> text; the id is lower-cased, so
    "5S" would read "5s")."""
    vocab = vocabulary()
    typed = typed or {}
    return {
        lang: [
            vocab.display(skill, lang) if skill in vocab.skills else typed.get(skill, skill)
            for skill in sorted(skill_ids)
        ]
        for lang in ("zh", "en")
    }


def listed_skills(job: JobProfile) -> dict[str, str]:
    """The job's listed skills as its page shows them (each once, as typed), with the
    vocabulary skill each stands for: two spellings of one skill (叉车, 叉车证) are two tags
    the reader counts."""
    vocab, listed = vocabulary(), {}
    for typed in job.skills or ():
        canonical = vocab.canonical(typed)
        if canonical:
            listed.setdefault(normalize(typed).strip(), (typed.strip(), canonical))
    return dict(listed.values())


def listed_name(typed: str, skill: str, lang: str) -> str:
    """A listed skill named in LANG: as the job typed it, unless an English reader would read
    Chinese and the vocabulary has the skill's English name (电工证 reads "Electrician";
    "Forklift" stays "Forklift", not the vocabulary's "Forklift operation")."""
    if lang == "en" and CJK_RE.search(typed) and skill in vocabulary().skills:
        return vocabulary().display(skill, "en")
    return typed


def counted_names(listed: dict[str, str], held: frozenset[str], lang: str):
    """(matched, missing, total) of the job's listed skills as LANG names them: two listed
    skills with one name in LANG (电工证 and 低压电工 are both "Electrician") are one skill
    there, so the count always equals the names given."""
    names: dict[str, tuple[str, bool]] = {}  # folded name -> (name, held)
    for typed, skill in listed.items():
        name = listed_name(typed, skill, lang)
        names.setdefault(normalize(name).strip(), (name, skill in held))
    matched = [name for name, has in names.values() if has]
    missing = [name for name, has in names.values() if not has]
    return matched, missing, len(names)


def skill_reasons(pair: Pair) -> list[WeightedReason]:
    required = job_skills(pair.job)
    if not required:
        return []
    held = candidate_skills(pair.candidate)
    vocab = vocabulary()
    listed = listed_skills(pair.job)
    related = related_skills(required) & held
    reasons = []
    if listed:  # as the job lists them, counted in each language as that language names them
        by_lang = {lang: counted_names(listed, held, lang) for lang in ("zh", "en")}
        matched = {lang: found[0] for lang, found in by_lang.items()}
        missing = {lang: found[1] for lang, found in by_lang.items()}
        params = {
            "k": {lang: len(names) for lang, names in matched.items()},
            "n": {lang: found[2] for lang, found in by_lang.items()},
            "skills": matched,
        }
        any_matched, any_missing = bool(matched["zh"]), bool(missing["zh"])
    else:  # found in the title and description: named from the vocabulary
        matched_ids, missing_ids = sorted(required & held), sorted(required - held)
        params = {"k": len(matched_ids), "n": len(required), "skills": skill_names(matched_ids)}
        missing = skill_names(missing_ids)
        any_matched, any_missing = bool(matched_ids), bool(missing_ids)

    if any_matched:
        code = "skills_overlap" if any_missing else "skills_all"
        reasons.append((pair.contribution("skills"), Reason(code, params, "skills")))
    if related and any_missing:
        typed = {vocab.canonical(s): s for s in pair.candidate.skills or ()}
        reasons.append(
            (
                pair.weights["skills"] * RELATED_SKILLS_RANK,
                Reason("skills_related", {"skills": skill_names(related, typed=typed)}, "skills"),
            )
        )
    if any_missing and pair.features["skills"] < SKILLS_WORTH_MISSING:
        reasons.append(
            (
                pair.shortfall("skills"),
                Reason("skills_missing", {"skills": missing}, "skills", False),
            )
        )
    return reasons


def closest_title(job_title: str, titles: list[str]) -> str:
    """The candidate's title (headline or a past role) sharing most character bigrams with
    the job's, the shortest on a tie (a headline "普工 · 2年经验" repeats its role with more
    words): the one a reader sees the likeness in."""
    wanted = set(bigrams(job_title or ""))
    return max(titles, key=lambda title: (len(wanted.intersection(bigrams(title))), -len(title)))


def similarity_reasons(pair: Pair) -> list[WeightedReason]:
    reasons = []
    titles = pair.candidate.titles()
    # the title is similar in meaning (embeddings) or in its words (character bigrams)
    title_feature = max(("title", "title_words"), key=lambda f: pair.features.get(f, 0.0))
    if pair.features.get(title_feature, 0.0) >= SIMILAR and titles:
        reasons.append(
            (
                pair.contribution(title_feature),
                Reason(
                    "title_similar", {"title": closest_title(pair.job.title, titles)}, title_feature
                ),
            )
        )
    if pair.features["semantic"] >= SIMILAR:
        reasons.append((pair.contribution("semantic"), Reason("text_similar", {}, "semantic")))
    return reasons


def occupation_reasons(pair: Pair) -> list[WeightedReason]:
    job_code = code_num(occupation_of(pair.job))
    candidate_code = code_num(occupation_of(pair.candidate))
    if not (job_code and candidate_code):
        return []
    levels = shared_levels(job_code, candidate_code)
    by_code = occupations_by_num()
    weight = pair.weights["occupation"]
    if levels == 4:
        name = by_code[job_code].name
        params = {"occupation": {"zh": name, "en": name}}
        return [(weight, Reason("same_occupation", params, "occupation"))]
    if levels == 3:
        # Same unit group: name the group (the candidate's code with its last segment zeroed).
        group = by_code.get(candidate_code // 100 * 100) or by_code[candidate_code]
        params = {"occupation": {"zh": group.name, "en": group.name}}
        score = defaults.OCCUPATION_LEVEL_SCORE[3]
        return [(weight * score, Reason("related_occupation", params, "occupation"))]
    return []


def location_reasons(pair: Pair) -> list[WeightedReason]:
    job, candidate = pair.job, pair.candidate
    weight = pair.weights["location"]
    if job.remote:
        return [(weight, Reason("remote", {}, "location"))]
    job_region = region_of(job.region_code, job.region_path)
    candidate_region = region_of(candidate.region_code, candidate.region_path)
    if not (job_region and candidate_region):
        return []
    shared = shared_prefix_level(job_region, candidate_region)
    reasons = []
    if shared:
        place = {
            lang: region_name(job_region, shared, lang) or job_region[:shared]
            for lang in ("zh", "en")
        }
        reason = Reason(LOCATION_CODES[shared], {"place": place}, "location")
        reasons.append((pair.contribution("location"), reason))
    if shared < 4 and in_cooperation(job_region, candidate_region, pair.context):
        reasons.append((weight * COOPERATION_RANK, Reason("cooperation", {}, "location")))
    elif shared == 0 and candidate.willing_to_relocate:
        reasons.append((weight * defaults.LOCATION_RELOCATE, Reason("relocate", {}, "location")))
    elif shared == 0:
        reasons.append((weight, Reason("far_away", {}, "location", False)))
    return reasons


def in_cooperation(job_region: str, candidate_region: str, context: MatchContext) -> bool:
    """The scorer's own test, so that the reason appears exactly when the feature counted it."""
    job_code, candidate_code = np.int64(int(job_region)), np.int64(int(candidate_region))
    return bool(cooperation_mask(job_code, candidate_code, context.cooperation))


def salary_reasons(pair: Pair) -> list[WeightedReason]:
    job, expected = pair.job, pair.candidate.expected_salary
    if not (expected and (job.salary_max or job.salary_min)):
        return []
    if pair.features["salary"] >= 1.0:
        return [(pair.weights["salary"], Reason("salary_fit", {}, "salary"))]
    # The scorer's stand-in for a range with no maximum: 30% above the minimum.
    offered_maximum = job.salary_max or job.salary_min * 1.3
    percent_above = round(100 * (expected - offered_maximum) / offered_maximum)
    reason = Reason("salary_above", {"pct": percent_above}, "salary", False)
    return [(pair.shortfall("salary"), reason)]


def experience_reasons(pair: Pair) -> list[WeightedReason]:
    required, years = pair.job.min_experience_years, pair.candidate.years()
    if not required or years is None:
        return []
    params = {"years": format_years(years), "required": format_years(required)}
    weight = pair.weights["experience"]
    if years >= required:
        return [(weight, Reason("experience_ok", params, "experience"))]
    return [(weight, Reason("experience_short", params, "experience", False))]


def format_years(years: float) -> str:
    return str(int(years)) if float(years).is_integer() else f"{years:.1f}"


def education_reasons(pair: Pair) -> list[WeightedReason]:
    feature = pair.features["education"]
    both_known = pair.job.education_level is not None and pair.candidate.education_level is not None
    if feature == defaults.NEUTRAL and not both_known:
        return []
    weight = pair.weights["education"]
    if feature >= 1.0:
        return [(weight, Reason("education_ok", {}, "education"))]
    if feature < 0.5:
        return [(weight, Reason("education_short", {}, "education", False))]
    return []


def availability_reasons(pair: Pair) -> list[WeightedReason]:
    feature = pair.features["availability"]
    if pair.candidate.available_from is None or feature <= 0:
        return []
    weight = pair.weights["availability"]
    if feature >= 1.0:
        return [(weight, Reason("available_now", {}, "availability"))]
    days = round((1 - feature) * defaults.AVAILABILITY_HORIZON_DAYS)
    return [(weight * 0.5, Reason("available_in", {"days": days}, "availability"))]


def posting_reasons(pair: Pair) -> list[WeightedReason]:
    """The job's side: a recent posting, an employer that answers."""
    job, reasons = pair.job, []
    # Freshness halves every half-life, so from 0.5 up the job was posted within one.
    if job.posted_at is not None and pair.features["freshness"] >= 0.5:
        days = round(defaults.FRESHNESS_HALF_LIFE_DAYS)
        reasons.append(
            (pair.weights["freshness"], Reason("fresh_posting", {"days": days}, "freshness"))
        )
    rate = job.employer_response_rate
    if rate is not None and rate >= RESPONSIVE_RATE:
        reason = Reason("responsive_employer", {"pct": round(100 * rate)}, "responsiveness")
        reasons.append((pair.weights["responsiveness"], reason))
    return reasons
