"""Every built-in export profile, in the order detection tries them."""

from __future__ import annotations

from typing import Final

from etl.profiles.base import ExportProfile
from etl.profiles.zendesk import ZENDESK

ALL_PROFILES: Final[tuple[ExportProfile, ...]] = (ZENDESK,)
