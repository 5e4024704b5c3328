"""The benefit kinds are one registry (coupons.benefits.BENEFITS): every kind has a spec, the
database constraint is the specs', and a kind added to the registry alone is taken by the API
serializers, the dashboard forms and the services' checks (its rows then need only the choice
and a migration: the constraint)."""

import pytest

from coupons.api.campaigns import CampaignInputSerializer
from coupons.benefits import (
    BENEFITS,
    BenefitKind,
    BenefitSpec,
    benefit_apply,
    benefit_text,
    benefits_constraint,
    yuan,
)
from coupons.errors import InvalidCampaign, TermsLocked
from coupons.models import Campaign
from coupons.services.campaigns import SCALAR_TERMS, Terms, favourable_check, terms_check
from dashboard.forms.coupons import CampaignForm
from dashboard.forms.deals import FlashDealForm
from deals.api import FlashDealInputSerializer
from tests.factories import MerchantFactory, ShopFactory

CAPPED = "capped_percent"  # a throwaway kind: a percentage off that always has a cap


def capped_text(campaign, words: dict) -> str:
    return f"{campaign.percent_off}% off, at most ¥{yuan(campaign.percent_cap_fen)}"


@pytest.fixture
def capped(monkeypatch):
    spec = BenefitSpec(
        CAPPED,
        "限额折扣",
        required=("percent_off", "percent_cap_fen"),
        discount=lambda campaign, amount: min(
            (amount * campaign.percent_off + 50) // 100, campaign.percent_cap_fen
        ),
        text=capped_text,
        needs_order_amount=True,
    )
    monkeypatch.setitem(BENEFITS, CAPPED, spec)
    return spec


def test_every_kind_has_a_spec_and_the_database_checks_the_specs():
    assert set(BENEFITS) == set(BenefitKind.values)
    (constraint,) = [
        c for c in Campaign._meta.constraints if c.name == "campaign_benefit_fields_match_kind"
    ]
    assert constraint.condition == benefits_constraint()


@pytest.mark.django_db
def test_a_kind_in_the_registry_alone_passes_the_api_the_forms_and_the_checks(capped):
    merchant = MerchantFactory()
    shop = ShopFactory(merchant=merchant)
    offer = {"benefit_kind": CAPPED, "percent_off": 20, "total_quantity": 10, "title": "限额八折"}

    campaign_input = CampaignInputSerializer(
        data={**offer, "percent_cap_fen": 3000, "valid_days_after_issue": 7}, merchant=merchant
    )
    assert campaign_input.is_valid(), campaign_input.errors
    deal = {**offer, "percent_cap_fen": 3000, "shop": shop.pk, "duration_minutes": 60}
    deal_input = FlashDealInputSerializer(
        data={**deal, "target": "radius", "radius_m": 1000}, merchant=merchant
    )
    assert deal_input.is_valid(), deal_input.errors

    form_data = {**offer, "percent_cap_fen": "30", "validity": "relative"}
    form_data |= {"valid_days_after_issue": 7, "per_customer_limit": 1, "audience": "anyone"}
    form = CampaignForm(data=form_data, merchant=merchant)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["percent_cap_fen"] == 3000
    assert form.benefit_shown()[CAPPED] == ["percent_off", "percent_cap_fen", "min_spend_fen"]
    assert f'value="{CAPPED}"' in str(form) and "限额折扣" in str(form)
    assert f'value="{CAPPED}"' in str(FlashDealForm(merchant=merchant)["benefit_kind"])

    fields = campaign_input.validated_data
    terms = Terms(
        fields={name: fields.get(name) for name in SCALAR_TERMS}
        | {"min_spend_fen": 0, "per_customer_limit": 1, "audience": "anyone", "segments": []},
        shops=set(),
        levels=set(),
        phones=set(),
    )
    terms_check(merchant=merchant, terms=terms)  # the services' rules take it
    with pytest.raises(InvalidCampaign) as missing:
        terms_check(merchant=merchant, terms=terms.changed(percent_cap_fen=None))
    assert set(missing.value.fields) == {"percent_cap_fen"}
    with pytest.raises(TermsLocked) as lowered:  # published: the cap may only rise
        favourable_check(old=terms, new=terms.changed(percent_cap_fen=2000), issued_count=0)
    assert set(lowered.value.fields) == {"percent_cap_fen"}

    unsaved = Campaign(benefit_kind=CAPPED, percent_off=20, percent_cap_fen=3000)
    assert benefit_apply(unsaved, 20000).discount_fen == 3000
    assert benefit_apply(unsaved, 10000).payable_fen == 8000
    assert benefit_text(unsaved) == "20% off, at most ¥30"


def test_an_unknown_kind_is_not_a_silent_default():
    with pytest.raises(ValueError):  # the designer's preview says "请填写优惠内容" for it
        benefit_text(Campaign(benefit_kind=""))


def test_the_terms_rules_speak_the_owners_language():
    """What the services refuse, field by field, reads in English for an English owner."""
    from django.utils import translation

    spec = BENEFITS[BenefitKind.AMOUNT_OFF]
    old = {"amount_off_fen": 5000, "min_spend_fen": 30000}
    with translation.override("en"):
        assert spec.problems({"percent_off": 20}) == {
            "amount_off_fen": ["This benefit type needs this field."],
            "percent_off": ["This benefit type does not use this field."],
        }
        assert spec.better_for_holders(old, {**old, "amount_off_fen": 4000}) == {
            "amount_off_fen": ["The amount off can only be raised."]
        }
    with translation.override("zh-hans"):
        assert spec.problems({})["amount_off_fen"] == ["该优惠类型需要填写此项。"]
