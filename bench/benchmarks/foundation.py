"""The foundation's hot paths: /healthz, login and an authenticated /me, in-process."""

from rest_framework.test import APIClient

from accounts.models import User
from bench.stats import latency

PHONE, PASSWORD = "+8613600009999", "Bench-pass-2026"


def auth_and_health(repeat: int = 100) -> dict:
    from django.core.cache import cache

    user, _ = User.objects.get_or_create(phone=PHONE)
    user.set_password(PASSWORD)  # hashed with whatever hasher the run uses
    user.save(update_fields=["password"])
    client = APIClient()

    def login():
        cache.clear()  # the login throttle would otherwise stop a benchmark at 10/min
        response = client.post(
            "/api/v1/auth/login/", {"phone": PHONE, "password": PASSWORD}, format="json"
        )
        assert response.status_code == 200, response.content
        return response.json()["access"]

    access = login()
    authed = APIClient()
    authed.credentials(HTTP_AUTHORIZATION=f"Bearer {access}")
    figures = {}
    for name, call, samples in (
        ("healthz", lambda: client.get("/healthz"), repeat),
        ("login", login, 20),  # PBKDF2 costs ~0.6 s a login by design
        ("me", lambda: authed.get("/api/v1/auth/me/"), repeat),
    ):
        for key, value in latency(call, samples).items():
            figures[f"{name}_{key}"] = value
    return figures
