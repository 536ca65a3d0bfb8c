"""Who may see what: users, roles, sign-in and the export audit log.

- ``users``: the users file (``load_users``, ``save_users``), password hashing.
- ``signin``: ``sign_in`` with its ``RateLimiter`` (per-name back-off, a global rate on
  password checks, persisted), the sign-in mode that never falls back to demo, session expiry.
- ``audit``: every download logged (``log_export``, ``read_exports``).
- ``cli``: ``python -m supply users add|remove|list``.
"""
