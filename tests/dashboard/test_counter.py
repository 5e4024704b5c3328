import pytest
from django.http import HttpResponse
from django.urls import reverse

from core.codes import qr_payload
from dashboard import counter

pytestmark = pytest.mark.django_db


def lookup(client, shop, **data):
    return client.post(
        reverse("dashboard:counter-lookup", args=[shop.pk]), data, HTTP_HX_REQUEST="true"
    )


def test_a_signed_qr_is_read_and_shown(manager, shop):
    response = lookup(manager, shop, code=qr_payload("C", "K7QM3XHDPA"))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-kind="C"' in page and 'data-value="K7QM3XHDPA"' in page
    assert "二维码有效" in page


@pytest.mark.parametrize(
    "code",
    [
        qr_payload("C", "K7QM3XHDPA").replace("K7QM3XHDPA", "K7QM3XHDPB"),  # altered
        "O2O:C:K7QM3XHDPA:forged-signature",
        "O2O:X:K7QM3XHDPA:abc",  # unknown kind
        "K7QM-3XHD-P0",  # 0 is not in the alphabet
    ],
)
def test_forged_altered_or_mistyped_codes_are_refused_in_plain_words(manager, shop, code):
    response = lookup(manager, shop, code=code, kind="C")
    assert response.status_code == 422
    assert "无法识别的券码或二维码，请核对后重试。" in response.content.decode()


def test_typed_codes_are_normalized(manager, shop):
    page = lookup(manager, shop, code=" k7qm-3xhd pa ", kind="C").content.decode()
    assert 'data-value="K7QM3XHDPA"' in page and "手动输入" in page
    card = lookup(manager, shop, code="6200 1234 1234 1234", kind="M").content.decode()
    assert 'data-kind="M"' in card and 'data-value="6200123412341234"' in card


def test_each_kind_is_handed_to_its_handler(manager, shop, monkeypatch):
    seen = []

    def coupon_found(request, shop_, scan):
        seen.append((shop_.pk, scan))
        return HttpResponse("coupon found")

    monkeypatch.setitem(counter.HANDLERS, "C", coupon_found)
    response = lookup(manager, shop, code=qr_payload("C", "K7QM3XHDPA"))
    assert response.content == b"coupon found"
    assert seen == [(shop.pk, counter.Scan(kind="C", value="K7QM3XHDPA", from_qr=True))]
    card = lookup(manager, shop, code=qr_payload("M", "6200123412341234"))
    assert b"coupon found" not in card.content


def test_an_empty_lookup_asks_for_the_code(manager, shop):
    response = lookup(manager, shop, code="")
    assert response.status_code == 422
    assert "该字段是必填项。" in response.content.decode()
