"""Sparklines on a fixed scale (issue 15): a value's bar is its place on the scale."""

from __future__ import annotations

from reconnect_tui.widgets.scaled_sparkline import scaled_bars


def test_one_value_is_one_bar_as_high_as_it_is() -> None:
    assert scaled_bars([6], 0, 10, 20) == "▅"  # not "████…": 6/10 is not 10/10
    assert scaled_bars([10], 0, 10, 20) == "█"
    assert scaled_bars([0], 0, 10, 20) == "▁"


def test_equal_values_are_not_stretched() -> None:
    assert scaled_bars([5, 5, 5], 0, 10, 20) == "▅▅▅"
    assert "█" not in scaled_bars([5, 5, 5], 0, 10, 20)


def test_a_registration_uses_its_own_lowest_and_highest() -> None:
    # 36.5–37.5 on a 35–42 scale: low bars, not the data's own min to max
    assert scaled_bars([36.5, 37.5], 35, 42, 10) == "▃▄"
    # out-of-scale values are clamped, an empty scale draws full bars
    assert scaled_bars([-3, 50], 0, 10, 10) == "▁█"
    assert scaled_bars([4], 4, 4, 10) == "█"


def test_more_values_than_columns_are_averaged_per_column() -> None:
    bars = scaled_bars([0, 10] * 20, 0, 10, 10)
    assert len(bars) == 10 and set(bars) == {"▅"}
    assert scaled_bars([], 0, 10, 10) == ""
