"""How far a radius may reach, in metres: a subscription's, a flash deal pushed by radius, the
"deals near me" query. One rule for the model checks, the API serializers and the dashboard's
forms."""

RADIUS_MIN_M = 100
RADIUS_MAX_M = 20_000
