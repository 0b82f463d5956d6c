"""The balance-trend picture: newest value always drawn, flat when nothing moved."""

from pharmacy.tui.widgets.spark import BLOCKS, sparkline


def test_today_is_always_drawn() -> None:
    values = [0] * 29 + [130]
    line = sparkline(values)
    assert line[-1] == BLOCKS[-1] and set(line[:-1]) == {BLOCKS[0]} and len(line) == 15


def test_flat_and_empty() -> None:
    assert sparkline([5, 5, 5]) == BLOCKS[3] * 3
    assert sparkline([]) == ""


def test_shape_follows_the_balance() -> None:
    assert sparkline([0, 10, 20, 30]) == BLOCKS[0] + BLOCKS[2] + BLOCKS[4] + BLOCKS[7]
