"""The platform staff's screens: policy versions, the word list, the queue and the records."""

import pytest
from django.test import Client
from django.utils import timezone

from accounts.models import User
from audit.models import ModerationItemEvent
from merchants.services import shop_update
from moderation.models import BannedWord, ModerationItem
from privacy.models import PolicyDocument
from tests.factories import ShopFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client():
    admin = User.objects.create_superuser("+8613700001111", "Adm1n-pass-2026")
    client = Client()
    client.force_login(admin)
    return client, admin


def test_admin_screens_answer(staff_client):
    client, _ = staff_client
    for path in [
        "/admin/privacy/policydocument/",
        "/admin/privacy/policydocument/add/",
        "/admin/privacy/consent/",
        "/admin/privacy/dataexport/",
        "/admin/privacy/deletionrequest/",
        "/admin/crm/customerexport/",
        "/admin/moderation/bannedword/",
        "/admin/moderation/bannedword/add/",
        "/admin/moderation/moderationitem/",
    ]:
        assert client.get(path).status_code == 200, path


def test_staff_publish_a_version_and_decide_on_the_queue_audited(staff_client):
    client, admin = staff_client
    document = PolicyDocument.objects.create(kind="privacy", version=2, title="隐私政策", body="…")
    client.post(
        "/admin/privacy/policydocument/",
        {"action": "publish", "_selected_action": [document.pk]},
    )
    document.refresh_from_db()
    assert document.published_at is not None and document.published_at <= timezone.now()

    BannedWord.objects.create(word="刷单")
    shop = ShopFactory(description="老店")
    shop_update(shop=shop, description="刷单返现")
    item = ModerationItem.objects.get(status="pending")
    client.post(
        "/admin/moderation/moderationitem/",
        {"action": "approve", "_selected_action": [item.pk]},
    )
    item.refresh_from_db()
    shop.refresh_from_db()
    assert item.status == "approved" and item.decided_by == admin
    assert shop.description == "刷单返现"
    event = ModerationItemEvent.objects.filter(pgh_obj_id=item.pk, status="approved").get()
    assert event.pgh_context.metadata["user"] == admin.pk  # who decided, from the request
