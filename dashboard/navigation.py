"""The dashboard's pages as data: where each script is, its title, icon and URL path."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Final

PAGES_DIR: Final = Path(__file__).parent / "app_pages"


@dataclass(frozen=True)
class PageSpec:
    """One page of the dashboard.

    Attributes:
        script: File name in ``dashboard/app_pages/``.
        title: Navigation title; the page file is named after it.
        icon: A Material icon, ``:material/name:``.
        url_path: The path the page has in the browser (``/trends``).
    """

    script: str
    title: str
    icon: str
    url_path: str

    @property
    def path(self) -> Path:
        """The page script."""
        return PAGES_DIR / self.script


PAGES: Final = (
    PageSpec("overview.py", "Overview", ":material/dashboard:", "overview"),
    PageSpec("trends.py", "Trends", ":material/show_chart:", "trends"),
    PageSpec("root_causes.py", "Root causes", ":material/troubleshoot:", "root-causes"),
    PageSpec("improvement.py", "Improvement", ":material/flag:", "improvement"),
    PageSpec("follow_up.py", "Follow-up and commitments", ":material/handshake:", "follow-up"),
    PageSpec(
        "difficult_contacts.py", "Difficult contacts", ":material/report:", "difficult-contacts"
    ),
    PageSpec("data_health.py", "Data health", ":material/monitor_heart:", "data-health"),
)
