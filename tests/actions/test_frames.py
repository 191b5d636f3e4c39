"""Coordinate conversions between the screen and the image a model sees."""

from __future__ import annotations

import pytest

from actions import ActionError, Frame, OffScreen


def test_identity_frame_maps_every_point_to_itself() -> None:
    frame = Frame.identity(1280, 800)
    for point in [(0, 0), (639, 399), (1279, 799)]:
        assert frame.to_screen(*point) == point
        assert frame.to_model(*point) == point


def test_half_size_image_doubles_coordinates_at_pixel_centres() -> None:
    frame = Frame(screen=(1280, 800), image=(640, 400))
    assert frame.to_screen(0, 0) == (1, 1)  # the centre of the first 2x2 block
    assert frame.to_screen(200, 35) == (401, 71)
    assert frame.to_screen(639, 399) == (1279, 799)
    assert frame.to_model(401, 71) == (200, 35)


def test_round_trip_moves_a_point_by_less_than_one_model_pixel() -> None:
    frame = Frame(screen=(1920, 1080), image=(1366, 768))
    sx, sy = frame.scale
    for x in range(0, 1920, 37):
        for y in range(0, 1080, 41):
            back = frame.to_screen(*frame.to_model(x, y))
            assert abs(back[0] - x) <= sx and abs(back[1] - y) <= sy


def test_fractional_model_points_are_accepted() -> None:
    frame = Frame(screen=(1280, 800), image=(640, 400))
    assert frame.to_screen(100.4, 50.6) == (201, 102)


@pytest.mark.parametrize("point", [(640, 10), (-1, 10), (10, 400), (10, -0.5)])
def test_points_outside_the_image_name_the_valid_range(point: tuple[float, float]) -> None:
    frame = Frame(screen=(1280, 800), image=(640, 400))
    with pytest.raises(OffScreen) as info:
        frame.to_screen(*point)
    message = str(info.value)
    assert "image the model sees (640x400)" in message
    assert "x must be in 0..639 and y in 0..399" in message


def test_the_bound_check_runs_in_the_space_the_point_arrived_in() -> None:
    # The quickstart's bug: a model point checked against the screen size. (700, 10) is inside
    # the 1280-wide screen but outside the 640-wide image the model saw.
    frame = Frame(screen=(1280, 800), image=(640, 400))
    with pytest.raises(OffScreen):
        frame.to_screen(700, 10)
    assert frame.to_model(700, 10) == (350, 5)


def test_regions_cover_the_original_box() -> None:
    frame = Frame(screen=(1280, 800), image=(640, 400))
    assert frame.region_to_screen((10, 10, 21, 31)) == (20, 20, 42, 62)
    assert frame.region_to_model((21, 21, 41, 43)) == (10, 10, 21, 22)
    with pytest.raises(OffScreen):
        frame.region_to_screen((600, 10, 700, 20))
    with pytest.raises(ActionError, match="empty"):
        frame.region_to_screen((20, 20, 10, 30))


def test_fit_keeps_the_aspect_and_the_limits() -> None:
    frame = Frame.fit(1920, 1080, max_long_edge=1568, max_pixels=1_150_000)
    w, h = frame.image
    assert w <= 1568 and w * h <= 1_150_000
    assert abs(w / h - 1920 / 1080) < 0.01
    assert Frame.fit(1280, 800, max_long_edge=1568).is_identity
