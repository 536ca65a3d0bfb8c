"""The app's pages: one list that the router, the smoke tests and the leak test all read.

A page is listed here once. ``dashboard.py`` builds ``st.navigation`` from it, and the
tests enumerate it, so a new page without a test fails the suite.
"""

from __future__ import annotations

from dataclasses import dataclass

ALL_ROLES = ("planner", "association", "factory", "admin")


@dataclass(frozen=True)
class PageSpec:
    """One page: its key (url path and i18n key ``page.<key>``), file, section and roles."""

    key: str
    file: str
    section: str
    roles: tuple[str, ...] = ALL_ROLES
    icon: str = ":material/article:"
    default: bool = False


PAGES: tuple[PageSpec, ...] = (
    PageSpec("overview", "app_pages/overview.py", "overview", icon=":material/dashboard:", default=True),
    PageSpec("map", "app_pages/cluster_map.py", "planners", icon=":material/map:"),
    PageSpec(
        "capacity",
        "app_pages/capacity.py",
        "associations",
        ("planner", "association", "admin"),
        icon=":material/factory:",
    ),
    PageSpec(
        "demand",
        "app_pages/school_demand.py",
        "associations",
        ("association", "admin"),
        icon=":material/school:",
    ),
    PageSpec(
        "planning",
        "app_pages/pooled_planning.py",
        "associations",
        ("association", "admin"),
        icon=":material/account_tree:",
    ),
    PageSpec(
        "inventory",
        "app_pages/inventory.py",
        "associations",
        ("planner", "association", "admin"),
        icon=":material/inventory_2:",
    ),
    PageSpec(
        "my_factory", "app_pages/my_factory.py", "factory", ("factory", "admin"), icon=":material/storefront:"
    ),
    PageSpec(
        "data_upload",
        "app_pages/data_upload.py",
        "data",
        ("association", "factory", "admin"),
        icon=":material/upload_file:",
    ),
    PageSpec("history", "app_pages/history.py", "data", icon=":material/history:"),
)

SECTIONS = ("overview", "planners", "associations", "factory", "data")


def pages_for(role: str) -> list[PageSpec]:
    """The pages a role may open, in navigation order."""
    return [p for p in PAGES if role in p.roles]
