"""GCJ-02 <-> WGS84 at the API's edge: round trips exact to well under 0.5 m across China, the
identity outside it."""

import random

import pytest
from geographiclib.geodesic import Geodesic

from core.coords import gcj02_to_wgs84, in_china, wgs84_to_gcj02


def metres(a, b) -> float:
    return Geodesic.WGS84.Inverse(a[0], a[1], b[0], b[1])["s12"]


def china_points(seed: int, count: int):
    rng = random.Random(seed)  # noqa: S311
    while count:
        point = (rng.uniform(18.2, 53.5), rng.uniform(73.6, 134.7))
        if in_china(*point):
            count -= 1
            yield point


def test_round_trips_across_china_are_exact_to_centimetres():
    worst_back = worst_forth = 0.0
    for wgs in china_points(12, 5000):
        gcj = wgs84_to_gcj02(*wgs)
        assert 1 < metres(wgs, gcj) < 1500, "GCJ-02 is some hundreds of metres off WGS84"
        worst_back = max(worst_back, metres(wgs, gcj02_to_wgs84(*gcj)))
    for gcj in china_points(13, 5000):  # points a GCJ-02 map gives, back and forth
        wgs = gcj02_to_wgs84(*gcj)
        if wgs != gcj:  # not one of the points within the shift of the outline, no WGS84 image
            worst_forth = max(worst_forth, metres(gcj, wgs84_to_gcj02(*wgs)))
    assert worst_back < 0.05
    assert worst_forth < 0.05


def test_shanghai_moves_as_gcj02_maps_show_it():
    # People's Square: GCJ-02 maps draw it about 200 m south and 450 m east of GPS.
    lat, lng = wgs84_to_gcj02(31.2304, 121.4737)
    assert lat - 31.2304 == pytest.approx(-0.0019, abs=0.0005)
    assert lng - 121.4737 == pytest.approx(0.0045, abs=0.0005)


OUTSIDE = {
    "london": (51.5007, -0.1246),
    "new-york": (40.6892, -74.0445),
    "sydney": (-33.8568, 151.2153),
    "tokyo": (35.6586, 139.7454),
    "moscow": (55.7539, 37.6208),
    "null-island": (0.0, 0.0),
    # Inside the GCJ libraries' rectangle, yet their map apps send WGS84:
    "seoul": (37.5665, 126.9780),
    "pyongyang": (39.0392, 125.7625),
    "osaka": (34.6937, 135.5023),
    "hanoi": (21.0278, 105.8342),
    "bangkok": (13.7563, 100.5018),
    "singapore": (1.2903, 103.8519),
    "manila": (14.5995, 120.9842),
    "delhi": (28.6139, 77.2090),
    "ulaanbaatar": (47.8864, 106.9057),
    "taipei": (25.0330, 121.5654),
}
INSIDE = {
    "shanghai-pudong": (31.2200, 121.5400),
    "zhoushan": (30.0160, 122.2070),
    "xiamen": (24.4798, 118.0894),
    "sanya": (18.2528, 109.5119),
    "hong-kong": (22.2800, 114.1600),
    "macau": (22.1987, 113.5439),
    "dalian": (38.9140, 121.6147),
    "weihai": (37.5131, 122.1204),
    "kashgar": (39.4704, 75.9898),
    "mohe": (52.9720, 122.5380),
    "lhasa": (29.6520, 91.1721),
    "urumqi": (43.8256, 87.6168),
    "beijing": (39.9087, 116.3975),
}


@pytest.mark.parametrize("point", INSIDE.values(), ids=INSIDE)
def test_china_is_where_gcj02_applies(point):
    assert in_china(*point)
    assert metres(point, wgs84_to_gcj02(*point)) > 1


@pytest.mark.parametrize("point", OUTSIDE.values(), ids=OUTSIDE)
def test_outside_china_the_transform_is_the_identity(point):
    assert not in_china(*point)
    assert wgs84_to_gcj02(*point) == point
    assert gcj02_to_wgs84(*point) == point
