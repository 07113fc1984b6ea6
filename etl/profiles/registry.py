"""Every built-in export profile: each module in this package lists its own in ``PROFILES``."""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path
from typing import Final

from etl.profiles.base import ExportProfile

_NOT_PROFILE_MODULES: Final = frozenset({"base", "registry", "service_fields", "generic"})


def _discover() -> tuple[ExportProfile, ...]:
    found: list[ExportProfile] = []
    for module_info in sorted(
        pkgutil.iter_modules([str(Path(__file__).parent)]), key=lambda m: m.name
    ):
        if module_info.name in _NOT_PROFILE_MODULES or module_info.name.startswith("_"):
            continue
        module = importlib.import_module(f"etl.profiles.{module_info.name}")
        found.extend(getattr(module, "PROFILES", ()))
    return tuple(found)


ALL_PROFILES: Final[tuple[ExportProfile, ...]] = _discover()
