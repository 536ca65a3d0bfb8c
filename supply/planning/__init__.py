"""Pooled school-uniform planning.

- ``demand``: class-level demand intake, heights to sizes, pooling statistics.
- ``plan``: the public API: ``solve`` (progress, should_stop, warm), ``quality_sentence``,
  ``check_plan``, work orders, publishing (it re-exports ``inputs``, ``assemble``,
  ``checks``, ``views`` and ``workorders``).
- The method: ``instance`` (arrays, pairs), ``flow`` (LP as a min-cost flow, bound, prices;
  OR-Tools in ``flow_worker``), ``greedy``, ``moq`` (dive, repair, polish), ``mip`` and
  ``neighbourhoods`` (HiGHS), ``solver`` (``optimise``), ``replan`` (a what-if from the
  previous plan), ``schedule`` (weeks, sizes);
  ``model`` keeps the old names.
- ``whatif``: named scenarios compared side by side; ``charts``: figures; ``cli``: ``python -m supply plan``.
"""
