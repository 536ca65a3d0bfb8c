"""How much inventory pooling removes.

- ``pooling``: newsvendor and risk-pooling formulas (``newsvendor_normal``, ``pooling_summary``).
- ``simulation``: the seeded season simulation, make-to-stock vs pooled make-to-order (``simulate``).
- ``simulation_inputs``: its inputs from a snapshot (``load_inputs``).
- ``results``: what a run returns (``SimResult``, ``Interval``).
- ``sensitivity``: the tornado (``sensitivity``) and the pooling formula on the model's inputs.
- ``charts``: ratio, systems, tornado and measured-stock figures.
"""
