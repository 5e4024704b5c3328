"""Every discount the dashboard takes is the share taken off (the API's one convention), and
each input carries the live explanation (dashboard/static/dashboard/discount.js: the 折 and
the price of a ¥100 order)."""

import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

pytestmark = pytest.mark.django_db

SCRIPT = Path(settings.BASE_DIR) / "dashboard/static/dashboard/discount.js"


@pytest.mark.parametrize("page", ["campaign-new", "deal-new", "membership"])
def test_discount_inputs_carry_the_explanation(owner, shop, page):
    html = owner.get(reverse(f"dashboard:{page}")).content.decode()
    assert "dashboard/discount.js" in html
    assert "data-percent-off" in html
    assert "减去的百分比" in html


def test_the_explanation_shows_the_zhe_and_a_hundred_yuan_order():
    """Run the script's formula in Node on the values a merchant might type."""
    source = SCRIPT.read_text()
    body = source[source.index("function explain") : source.index("function attach")]
    program = (
        "const zh = true;\n" + body + "\nconsole.log(JSON.stringify("
        "[explain('20'), explain('12'), explain('0'), explain('88'), explain('120'), explain('')]))"
    )
    run = subprocess.run(["node", "-e", program], capture_output=True, text=True, check=True)
    assert run.stdout.strip() == (
        '["8 折 · ¥100 的订单付 ¥80.00","8.8 折 · ¥100 的订单付 ¥88.00",'
        '"原价 · ¥100 的订单付 ¥100.00","1.2 折 · ¥100 的订单付 ¥12.00","",""]'
    )
