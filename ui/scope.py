"""What a figure covers: one Scope per viewer and source, shown next to every metric, chart and table.

The scope follows from who is looking (supply/engine/db.py scopes the views by role) and
from whether a figure reads the public directory (clusters, factories) or the scoped
views (capacity, orders, inventory, schools, demand):

* ``directory``: the public factory directory of the cluster, the same for every role;
* ``all``: every factory's own rows (administrator);
* ``members``: the association's member factories;
* ``own``: the factory owner's own factory;
* ``aggregate``: the planner's totals by county and category, small cells withheld.

Figures of different scopes are never drawn in one row: ``ui.figures.metric_row`` takes
one Scope for the whole row and prints it above.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from supply.i18n import t

KIND_BY_ROLE = {"admin": "all", "association": "members", "factory": "own", "planner": "aggregate"}


@dataclass(frozen=True)
class Scope:
    """What a figure covers: a kind plus the cluster and factory names to say it with."""

    kind: str
    cluster: str
    factory: str = ""

    def text(self, lang: str) -> str:
        """The one-line caption ('范围：织里童装产业带的行业协会会员工厂')."""
        return t(f"scope.{self.kind}", lang, cluster=self.cluster, factory=self.factory)

    def help(self, lang: str) -> str:
        """The longer explanation for a help tooltip."""
        return t(f"scope.help.{self.kind}", lang)


def of(ctx, public: bool = False, every_cluster: bool = False) -> Scope:
    """The scope of the figures a page reads for this viewer; ``public`` for the directory tables,
    ``every_cluster`` for figures the cluster picker does not filter."""
    cluster = t("scope.every_cluster", ctx.lang) if every_cluster else ctx.cluster_name
    cluster = cluster or t("scope.every_cluster", ctx.lang)
    kind = "directory" if public else KIND_BY_ROLE[ctx.viewer.role]
    return Scope(kind, cluster, ctx.factory_name or ctx.viewer.factory_id or "")


def caption(scope: Scope, lang: str, container=None) -> None:
    """Draw the scope line (with its explanation as help) above a figure."""
    (container or st).caption(":material/filter_alt: " + scope.text(lang), help=scope.help(lang))
