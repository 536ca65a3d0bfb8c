"""Who may see what: users, roles, sign-in and the export audit log.

- ``users``: the users file (``load_users``, ``save_users``), password hashing, ``sign_in``
  with its ``RateLimiter``, session expiry.
- ``audit``: every download logged (``log_export``, ``read_exports``).
- ``cli``: ``python -m supply users add|remove|list``.
"""
