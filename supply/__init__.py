"""Industrial-cluster supply dashboard: everything that is not drawing.

Nothing in this package imports streamlit, so the CLI, the tests and the benchmarks
use exactly the same logic as the app.
"""

__version__ = "0.1.0"
