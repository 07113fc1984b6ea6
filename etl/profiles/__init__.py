"""The export formats Critica reads, and how a file's header picks one."""

from __future__ import annotations

from pathlib import Path

from etl.errors import ExportError
from etl.profiles.base import ExportProfile
from etl.profiles.registry import ALL_PROFILES
from etl.source_files import FileSniff, header_names

__all__ = ["ALL_PROFILES", "ExportProfile", "choose_profile", "profile_named"]


def profile_named(name: str) -> ExportProfile:
    """The profile called ``name`` (as given to ``--profile``).

    Raises:
        ValueError: naming the known profiles when ``name`` is not one of them.
    """
    for profile in ALL_PROFILES:
        if profile.name == name:
            return profile
    known = ", ".join(p.name for p in ALL_PROFILES)
    raise ValueError(f"unknown profile '{name}'; known profiles: {known}, generic (with --mapping)")


def choose_profile(path: Path, sniff: FileSniff) -> ExportProfile:
    """The profile whose signature columns all appear in the file's header.

    Raises:
        ExportError: when no profile matches, naming the closest one and what it misses.
    """
    candidates: list[tuple[float, int, ExportProfile, list[str]]] = []
    for profile in ALL_PROFILES:
        if sniff.kind != profile.file_format.kind:
            continue
        columns = set(header_names(sniff, profile.file_format, dict(profile.header_aliases)))
        written = header_names(sniff, profile.file_format, {})
        # Missing columns are named as the file's language writes them ("Creato").
        is_localised = any(header in profile.header_aliases for header in written)
        missing = [
            " or ".join(f"'{h}'" for h in profile.headers_of(c, is_localised))
            for c in profile.signature
            if c not in columns
        ]
        share = 1 - len(missing) / len(profile.signature)
        candidates.append((share, len(profile.signature), profile, missing))
    if not candidates:
        raise ExportError(path, f"no profile reads {sniff.kind} files.", fix=_PROFILE_HINT)
    candidates.sort(key=lambda c: (c[0], c[1]), reverse=True)
    share, _, best, missing = candidates[0]
    if share == 1:
        return best
    if share == 0:
        # Naming a "closest" format the file shares no column with would only mislead.
        shown = ", ".join(f"'{name}'" for name in header_names(sniff, best.file_format, {})[:5])
        raise ExportError(
            path,
            f"the header ({shown}) has none of the columns of the exports Critica knows.",
            line=1,
            fix=_PROFILE_HINT,
        )
    raise ExportError(
        path,
        "the header does not match any known export. "
        f"Closest: {best.title} (profile '{best.name}'), which also needs "
        + ", ".join(missing)
        + ".",
        line=1,
        fix=_PROFILE_HINT,
    )


_PROFILE_HINT = (
    "Name the format with --profile (see `critica profiles`), or describe your columns in a "
    "mapping file and load with --profile generic --mapping FILE.yaml."
)
