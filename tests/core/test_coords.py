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
        worst_forth = max(worst_forth, metres(gcj, wgs84_to_gcj02(*gcj02_to_wgs84(*gcj))))
    assert worst_back < 0.05
    assert worst_forth < 0.05


def test_shanghai_moves_as_gcj02_maps_show_it():
    # People's Square: GCJ-02 maps draw it about 200 m south and 450 m east of GPS.
    lat, lng = wgs84_to_gcj02(31.2304, 121.4737)
    assert lat - 31.2304 == pytest.approx(-0.0019, abs=0.0005)
    assert lng - 121.4737 == pytest.approx(0.0045, abs=0.0005)


@pytest.mark.parametrize(
    "point",
    [
        (51.5007, -0.1246),
        (40.6892, -74.0445),
        (-33.8568, 151.2153),
        (35.6586, 139.7454),
        (55.7539, 37.6208),
        (-22.9519, -43.2105),
        (0.0, 0.0),
        (60.0, 100.0),
    ],
)
def test_outside_china_the_transform_is_the_identity(point):
    assert not in_china(*point)
    assert wgs84_to_gcj02(*point) == point
    assert gcj02_to_wgs84(*point) == point
