"""Membership pages: the program and levels through card_program_save, the card designer's
server-drawn preview and publish, the members list with search."""

import pytest
from django.urls import reverse

from loyalty.models import CardProgram
from tests.factories import UserFactory
from tests.loyalty.factories import card_create_for, program_create

pytestmark = pytest.mark.django_db


def url(name):
    return reverse(f"dashboard:{name}")


def program_data(**override):
    data = {
        "name": "鑫悦会员卡",
        "auto_approve": "on",
        "earn_offline": "on",
        "points_rounding": "floor",
        "redeem_points": "100",
        "redeem_fen": "1",
        "upgrade_basis": "spend",
        "upgrade_window_days": "365",
        "min_top_up_fen": "1",
        "max_top_up_fen": "5000",
        "levels-TOTAL_FORMS": "3",
        "levels-INITIAL_FORMS": "0",
        "levels-0-name": "普通卡",
        "levels-0-points_per_yuan": "1",
        "levels-0-percent_off": "0",
        "levels-0-threshold": "0",
        "levels-1-name": "金卡",
        "levels-1-points_per_yuan": "2",
        "levels-1-percent_off": "12",
        "levels-1-threshold": "1000",
        "levels-2-name": "",
        "bonus-TOTAL_FORMS": "3",
        "bonus-INITIAL_FORMS": "0",
        "bonus-0-min_amount_fen": "500",
        "bonus-0-bonus_fen": "50",
        "bonus-1-min_amount_fen": "1000",
        "bonus-1-bonus_fen": "120",
        "bonus-2-min_amount_fen": "",
        "bonus-2-bonus_fen": "",
    }
    return data | override


def test_the_program_and_its_levels_are_saved(owner, merchant):
    response = owner.post(url("membership"), program_data())
    assert response.status_code == 302
    program = CardProgram.objects.get(merchant=merchant)
    levels = list(program.levels.values_list("rank", "name", "percent_off", "threshold"))
    assert levels == [(0, "普通卡", 0, 0), (1, "金卡", 12, 100_000)]  # 1000 yuan in fen
    assert program.redeem_fen == 100
    page = owner.get(url("membership")).content.decode()
    assert 'value="金卡"' in page and 'name="levels-1-threshold" value="1000"' in page
    tiers = program.bonus_tiers.order_by("min_amount_fen")
    tiers = list(tiers.values_list("min_amount_fen", "bonus_fen"))
    assert tiers == [(50_000, 5_000), (100_000, 12_000)]  # 充 500 送 50, 充 1000 送 120
    assert 'name="bonus-1-bonus_fen" value="120.00"' in page


def test_bonus_tiers_are_edited_and_a_repeated_amount_is_refused(owner, merchant):
    owner.post(url("membership"), program_data())
    dropped = program_data(**{"bonus-1-DELETE": "on", "bonus-0-bonus_fen": "60"})
    assert owner.post(url("membership"), dropped).status_code == 302
    program = CardProgram.objects.get(merchant=merchant)
    assert list(program.bonus_tiers.values_list("min_amount_fen", "bonus_fen")) == [(50_000, 6_000)]
    twice = owner.post(url("membership"), program_data(**{"bonus-1-min_amount_fen": "500"}))
    assert twice.status_code == 422
    assert "同一充值金额只能设一档赠送。" in twice.content.decode()
    assert program.bonus_tiers.count() == 1  # nothing half-saved


def test_level_and_program_errors_are_in_chinese(owner, merchant):
    bad = program_data(**{"levels-1-threshold": "0", "levels-1-percent_off": "120", "name": ""})
    response = owner.post(url("membership"), bad)
    assert response.status_code == 422
    assert response.context["form"].errors["name"] == ["该字段是必填项。"]
    level_errors = response.context["levels"].forms[1].errors
    assert level_errors["percent_off"] == ["确保该值小于或等于99。"]
    unordered = owner.post(url("membership"), program_data(**{"levels-1-threshold": "0"}))
    assert unordered.status_code == 422
    assert "等级越高，升级门槛须越高。" in unordered.content.decode()


def test_the_card_designer_previews_on_the_server_and_publishes(owner, merchant):
    program_create(merchant)
    page = owner.post(
        url("card-design"),
        {"template": "gold", "title": "鑫悦尊享卡", "subtitle": "", "text_color": "#FFF8E7"},
        HTTP_HX_REQUEST="true",
    )
    assert page.status_code == 200 and url("card-design-preview") in page.content.decode()
    program = CardProgram.objects.get(merchant=merchant)
    assert (program.design.template, program.design.published) == ("gold", None)
    preview = owner.get(url("card-design-preview"))
    assert preview["Content-Type"] == "image/png" and preview.content.startswith(b"\x89PNG")
    bad = owner.post(url("card-design"), {"template": "gold", "text_color": "red"})
    assert bad.status_code == 422 and bad.context["form"].errors["text_color"]
    owner.post(url("card-design-publish"))
    program.design.refresh_from_db()
    assert program.design.published["title"] == "鑫悦尊享卡"


def test_without_a_program_the_designer_asks_for_one_first(owner):
    response = owner.get(url("card-design"))
    assert response.status_code == 302 and response["Location"] == url("membership")


def test_members_are_listed_and_searched(owner, merchant):
    program = program_create(merchant)
    wang = card_create_for(program, UserFactory(role="consumer", name="王小明"))
    li = card_create_for(program, UserFactory(role="consumer", name="李华"))
    card_create_for(program_create())  # another merchant's member
    listed = owner.get(url("members")).content.decode()
    assert "王小明" in listed and "李华" in listed and "共 2 位会员" in listed
    found = owner.get(url("members"), {"q": "小明"}).content.decode()
    assert "王小明" in found and "李华" not in found
    by_phone = owner.get(url("members"), {"q": str(li.consumer.phone)[-8:]}).content.decode()
    assert "李华" in by_phone and "王小明" not in by_phone
    by_number = owner.get(url("members"), {"q": wang.number.lower()}).content.decode()
    assert "王小明" in by_number and "李华" not in by_number
