"""Calendar months, the unit of targets and check-ups, and the clock the register writes with."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta


def utc_now() -> str:
    """Now in UTC as the workspace stores it: naive ISO 8601 with microseconds."""
    return datetime.now(UTC).replace(tzinfo=None).isoformat(timespec="microseconds")


def add_months(month: date, count: int) -> date:
    """The first day of the month ``count`` months after ``month``'s (before, when negative)."""
    index = month.year * 12 + month.month - 1 + count
    return date(index // 12, index % 12 + 1, 1)


def month_end(month: date) -> date:
    """The last day of ``month``'s month."""
    return add_months(month, 1) - timedelta(days=1)


def months_in(first: date, last: date) -> int:
    """How many calendar months ``first`` to ``last`` touch, both included."""
    return (last.year - first.year) * 12 + last.month - first.month + 1


def parse_month(text: str) -> date:
    """The first day of a month written ``YYYY-MM``.

    Raises:
        ValueError: naming the expected shape.
    """
    try:
        return date.fromisoformat(f"{text}-01")
    except ValueError as bad:
        raise ValueError(f"A month looks like 2026-10, not {text!r}.") from bad
