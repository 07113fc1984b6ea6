"""The improvement register, its targets and check-ups, and the monthly review report."""
