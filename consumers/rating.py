"""The shop rating discovery shows: a Bayesian average with the category's mean as prior.

    rating = (C · m + Σ wᵢ · rᵢ) / (C + Σ wᵢ)          (0 while a shop has no review)

- rᵢ: each review's stars (1-5), every review that platform staff have not removed (a reported
  review stays counted while it waits for moderation, so reporting cannot move a rating).
- wᵢ: 1.0 for a verified review (written for a consumed order), 0.5 for a general one.
- C = 5: the prior counts as five verified reviews, so a shop's first few reviews move its
  rating only part of the way from its category's mean.
- m: the mean of the shop's subcategories' priors, each itself smoothed towards the platform
  default 4.0 with weight 20:  m_cat = (20 · 4.0 + Σ w·r in the category) / (20 + Σ w).
  A category with few reviews stays near 4.0. Priors are refreshed nightly.

One SQL statement computes it for one shop (after each review) or for every reviewed shop
(nightly), so the formula lives in one place. `rating_of` is the same formula in Python, for
reading and for the tests.
"""

from collections.abc import Iterable

from django.db import connection

WEIGHT_VERIFIED = 1.0
WEIGHT_GENERAL = 0.5
PRIOR_WEIGHT = 5.0
DEFAULT_MEAN = 4.0
CATEGORY_SMOOTHING = 20.0

PARAMS = {
    "wv": WEIGHT_VERIFIED,
    "wg": WEIGHT_GENERAL,
    "c": PRIOR_WEIGHT,
    "default": DEFAULT_MEAN,
    "k": CATEGORY_SMOOTHING,
}


def rating_of(verified: Iterable[int], general: Iterable[int], prior_mean: float) -> float:
    verified, general = list(verified), list(general)
    if not verified and not general:
        return 0.0
    weighted = WEIGHT_VERIFIED * sum(verified) + WEIGHT_GENERAL * sum(general)
    weight = WEIGHT_VERIFIED * len(verified) + WEIGHT_GENERAL * len(general)
    return round((PRIOR_WEIGHT * prior_mean + weighted) / (PRIOR_WEIGHT + weight), 2)


def category_prior_of(weighted_sum: float, weight: float) -> float:
    return (CATEGORY_SMOOTHING * DEFAULT_MEAN + weighted_sum) / (CATEGORY_SMOOTHING + weight)


SHOP_RATINGS = """
WITH target AS (
    SELECT id FROM merchants_shop WHERE id = ANY(%(ids)s)
    UNION
    SELECT DISTINCT shop_id FROM consumers_review WHERE %(all)s
    UNION
    SELECT id FROM merchants_shop WHERE %(all)s AND rating_count > 0
),
agg AS (
    SELECT r.shop_id,
           count(*) FILTER (WHERE r.is_verified) AS verified,
           count(*) FILTER (WHERE NOT r.is_verified) AS general,
           sum(CASE WHEN r.is_verified THEN %(wv)s ELSE %(wg)s END * r.rating) AS weighted_sum,
           sum(CASE WHEN r.is_verified THEN %(wv)s ELSE %(wg)s END) AS weight
    FROM consumers_review r JOIN target t ON t.id = r.shop_id
    WHERE r.status <> 'removed'
    GROUP BY r.shop_id
),
prior AS (
    SELECT t.id AS shop_id, coalesce(avg(p.mean), %(default)s) AS mean
    FROM target t
    LEFT JOIN merchants_shopcategory sc ON sc.shop_id = t.id
    LEFT JOIN merchants_category c ON c.id = sc.category_id AND c.parent_id IS NOT NULL
    LEFT JOIN consumers_categoryratingprior p ON p.category_id = c.id
    GROUP BY t.id
),
fresh AS (
    SELECT pr.shop_id,
           CASE WHEN a.shop_id IS NULL THEN 0
                ELSE round(((%(c)s * pr.mean + a.weighted_sum) / (%(c)s + a.weight))::numeric, 2)
           END::double precision AS rating,
           coalesce(a.verified, 0) AS verified,
           coalesce(a.general, 0) AS general
    FROM prior pr LEFT JOIN agg a ON a.shop_id = pr.shop_id
)
UPDATE merchants_shop s
SET rating = f.rating,
    rating_count = f.verified + f.general,
    rating_verified_count = f.verified,
    rating_general_count = f.general
FROM fresh f
WHERE s.id = f.shop_id
  AND (s.rating, s.rating_verified_count, s.rating_general_count)
      IS DISTINCT FROM (f.rating, f.verified, f.general)
"""

CATEGORY_PRIORS = """
INSERT INTO consumers_categoryratingprior (category_id, mean, review_weight, updated_at)
SELECT c.id,
       (%(k)s * %(default)s + coalesce(sum(w.weight * r.rating), 0))
           / (%(k)s + coalesce(sum(w.weight), 0)),
       coalesce(sum(w.weight), 0),
       now()
FROM merchants_category c
LEFT JOIN merchants_shopcategory sc ON sc.category_id = c.id
LEFT JOIN consumers_review r ON r.shop_id = sc.shop_id AND r.status <> 'removed'
CROSS JOIN LATERAL (
    SELECT CASE WHEN r.id IS NULL THEN 0
                WHEN r.is_verified THEN %(wv)s ELSE %(wg)s END AS weight
) w
WHERE c.parent_id IS NOT NULL
GROUP BY c.id
ON CONFLICT (category_id) DO UPDATE
SET mean = EXCLUDED.mean, review_weight = EXCLUDED.review_weight, updated_at = EXCLUDED.updated_at
"""


def shop_ratings_refresh(*, shop_ids: list[int] | None = None) -> int:
    """Recompute the ratings of these shops, or of every shop with reviews (None)."""
    with connection.cursor() as cursor:
        cursor.execute(SHOP_RATINGS, {**PARAMS, "ids": shop_ids or [], "all": shop_ids is None})
        return cursor.rowcount


def category_priors_refresh() -> None:
    with connection.cursor() as cursor:
        cursor.execute(CATEGORY_PRIORS, PARAMS)
