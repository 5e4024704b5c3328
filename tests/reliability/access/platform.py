"""Discovery, health, the schema, its docs and the consumer app's shell are public; Django's
admin is the platform's."""

from . import Row, everyone

ROWS = [
    Row("discover", "GET", everyone(200), query={"lat": 31.2286, "lng": 121.4481}),
    Row("healthz", "GET", everyone(200)),
    Row("schema", "GET", everyone(200)),
    Row("api-docs", "GET", everyone(200)),
    Row("api-not-found", "GET", everyone(404)),
    # The consumer app's shell: the same page for everyone; the API decides what it shows.
    Row("consumer-app", "GET", everyone(200), kwargs=lambda w: {"path": "orders/1"}),
    # The admin (not walked view by view: Django's own permissions guard it) lets in
    # platform admins only; everyone else is sent to its login page.
    Row("admin:index", "GET", {**everyone(302), "admin": 200}),
]
