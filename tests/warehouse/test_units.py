import math

import pandas as pd
import pytest

from warehouse.units import format_change, format_value


@pytest.mark.parametrize(
    ("value", "unit", "shown"),
    [
        (0.924, "fraction", "92.4%"),
        (45.0, "minutes", "45 min"),
        (163.0, "minutes", "2 h 43 min"),
        (38 * 60 + 9.0, "minutes", "38.1 h"),
        (3 * 1440.0, "minutes", "3.0 d"),
        (1204.0, "tickets", "1,204"),
        (12.0, "tickets", "12"),
        (12.04, "nps_points", "+12.0"),
        (4.123, "csat_score", "4.12 / 5"),
        (1.2, "per_ticket", "1.20 per ticket"),
        (38.25, "per_1000_tickets", "38.2"),
        (None, "fraction", "–"),
        (math.nan, "minutes", "–"),
        # pandas' markers in a month without data
        (pd.NA, "tickets", "–"),
        (pd.NaT, "minutes", "–"),
    ],
)
def test_each_unit_reads_the_way_a_manager_expects(value: object, unit: str, shown: str) -> None:
    assert format_value(value, unit) == shown


@pytest.mark.parametrize(
    ("change", "unit", "shown"),
    [
        (0.012, "fraction", "+1.2 pp"),
        (-112.0, "minutes", "-112 min"),
        (-150.0, "minutes", "-2 h 30 min"),
        (3.0, "tickets", "+3"),
        (-4.0, "nps_points", "-4.0"),
        (None, "tickets", "–"),
    ],
)
def test_a_change_carries_its_sign_and_shares_change_in_points(
    change: object, unit: str, shown: str
) -> None:
    assert format_change(change, unit) == shown
