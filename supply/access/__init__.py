"""Who may see what: users, roles, sign-in and the export audit log.

- ``users``: the users file (``load_users``, ``parse_users``), roles and scopes, password hashing.
- ``signin``: sign-in checks that cannot lock others out (``sign_in``, ``RateLimiter``), session expiry.
- ``audit``: every download logged (``log_export``, ``read_exports``).
- ``cli``: ``python -m supply users add|remove|list``.
"""
