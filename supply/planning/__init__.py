"""Pooled school-uniform planning.

- ``demand``: class-level demand intake, heights to sizes, pooling statistics.
- ``model``: the allocation model (LP/MIP with HiGHS) and the greedy baseline (``optimise``, ``greedy``).
- ``plan``: inputs from the views, ``solve``, ``check_plan``, work orders, publishing.
- ``whatif``: named scenarios compared side by side (``Scenario``, ``compare``).
- ``charts``: schedule and utilisation figures; ``cli``: ``python -m supply plan``.
"""
