"""core.idempotency: a retried request replays the first answer; work happens once."""

import uuid

import pytest
from django.urls import path
from rest_framework.views import APIView

from core.errors import Conflict
from core.idempotency import idempotent
from core.models import IdempotencyRecord
from tests.concurrency import run_concurrently
from tests.conftest import client_for


class CountingView(APIView):
    """Counts its own successful runs in the database; refuses amounts over 100."""

    def post(self, request):
        def perform():
            if request.data.get("amount", 0) > 100:
                raise Conflict("too much")
            runs = IdempotencyRecord.objects.create(
                user=request.user, scope="tests.ran", key=uuid.uuid4().hex, request_hash=""
            )
            return 201, {"run": runs.pk, "amount": request.data.get("amount", 0)}

        return idempotent(request, scope="tests.count", perform=perform)


urlpatterns = [path("count/", CountingView.as_view())]
pytestmark = pytest.mark.urls(__name__)


def runs() -> int:
    return IdempotencyRecord.objects.filter(scope="tests.ran").count()


@pytest.mark.django_db
def test_a_retry_replays_the_first_answer_and_does_not_act_again(consumer):
    client = client_for(consumer)
    first = client.post("/count/", {"amount": 5}, HTTP_IDEMPOTENCY_KEY="key-00000001")
    again = client.post("/count/", {"amount": 5}, HTTP_IDEMPOTENCY_KEY="key-00000001")
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert again["Idempotent-Replayed"] == "true"
    assert runs() == 1


@pytest.mark.django_db
def test_the_key_is_required_and_cannot_be_reused_for_another_body(consumer):
    client = client_for(consumer)
    missing = client.post("/count/", {"amount": 5})
    assert missing.status_code == 400
    assert missing.json()["code"] == "idempotency_key_required"
    client.post("/count/", {"amount": 5}, HTTP_IDEMPOTENCY_KEY="key-00000002")
    reused = client.post("/count/", {"amount": 6}, HTTP_IDEMPOTENCY_KEY="key-00000002")
    assert reused.status_code == 422
    assert reused.json()["code"] == "idempotency_key_reused"


@pytest.mark.django_db
def test_a_failed_attempt_leaves_no_claim_so_a_retry_runs(consumer):
    client = client_for(consumer)
    failed = client.post("/count/", {"amount": 500}, HTTP_IDEMPOTENCY_KEY="key-00000003")
    assert failed.status_code == 409
    assert not IdempotencyRecord.objects.filter(key="key-00000003").exists()


@pytest.mark.django_db
def test_keys_belong_to_their_user(consumer, merchant):
    first = client_for(consumer).post("/count/", {}, HTTP_IDEMPOTENCY_KEY="key-00000004")
    other = client_for(merchant.owner).post("/count/", {}, HTTP_IDEMPOTENCY_KEY="key-00000004")
    assert first.json()["run"] != other.json()["run"]
    assert runs() == 2


@pytest.mark.django_db(transaction=True)
def test_concurrent_requests_with_one_key_act_once(consumer):
    def call(_):
        return (
            client_for(consumer)
            .post("/count/", {"amount": 1}, HTTP_IDEMPOTENCY_KEY="key-concurrent")
            .json()
        )

    answers = run_concurrently(call, n=8, raise_errors=True)
    assert runs() == 1
    assert len(answers) == 8
    assert all(answer == answers[0] for answer in answers)


def test_no_password_reaches_the_stored_request_hash():
    """A card's six digits beside a known card and amount would be found from a plain hash."""
    from rest_framework.parsers import JSONParser
    from rest_framework.request import Request
    from rest_framework.test import APIRequestFactory

    from core.idempotency import request_fingerprint

    def asked(**body):
        raw = APIRequestFactory().post("/api/v1/x/", body, format="json")
        return request_fingerprint(Request(raw, parsers=[JSONParser()]))

    assert asked(amount_fen=100, password="123456") == asked(amount_fen=100, password="654321")
    assert asked(amount_fen=100, card_password="1") == asked(amount_fen=100)
    assert asked(amount_fen=100) != asked(amount_fen=200)
