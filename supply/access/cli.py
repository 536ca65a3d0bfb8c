"""`python -m supply users add|remove|list`: manage the users file (supply/access/users.py).

The file is ``--users FILE``, else ``$SUPPLY_USERS``, else ``<data dir>/users.toml``.
A password is read from a prompt (typed twice), or from one line of standard input with
``--password-stdin``; it is never an argument, so it stays out of shell history.
"""

from __future__ import annotations

import argparse
import getpass
import json
import sys

from supply.cli import command


def _check_scope(args, role: str) -> str | None:
    """An error when the factory or cluster is not in the newest snapshot (if there is one)."""
    from supply.data.store import SnapshotError, Store

    try:
        store = Store(args.data)
        snap = store.latest()
        if snap is None:
            return None
        if role == "factory":
            ids = set(store.read(snap.snapshot_id, "factories")["factory_id"].to_list())
            if args.factory not in ids:
                return (
                    f"factory {args.factory!r} is not in snapshot {snap.snapshot_id}; check the id "
                    "(e.g. F0000001) or pass --skip-check"
                )
        if args.cluster:
            ids = set(store.read(snap.snapshot_id, "clusters")["cluster_id"].to_list())
            if args.cluster not in ids:
                return (
                    f"cluster {args.cluster!r} is not in snapshot {snap.snapshot_id}; known: "
                    f"{', '.join(sorted(ids))}; or pass --skip-check"
                )
    except SnapshotError:
        return None
    return None


def _read_password(args) -> str | None:
    """The new password from stdin or a prompt; None for an OIDC-only user."""
    if args.no_password:
        return None
    if args.password_stdin:
        line = sys.stdin.readline()
        return line.rstrip("\r\n")
    if not sys.stdin.isatty():
        raise ValueError("no terminal to prompt for the password; pipe it with --password-stdin")
    first = getpass.getpass("Password: ")
    if first != getpass.getpass("Repeat password: "):
        raise ValueError("the two passwords differ; nothing was changed")
    return first


def _add(args, path) -> int:
    from supply.access import users as access
    from supply.engine.db import Viewer

    try:
        Viewer(args.role, factory_id=args.factory, cluster_id=args.cluster)
    except ValueError as exc:
        print(
            f"error: {exc}; add --factory F... for a factory owner, --cluster ... for an association",
            file=sys.stderr,
        )
        return 2
    if args.factory and args.role != "factory":
        print("error: --factory is only for --role factory", file=sys.stderr)
        return 2
    if not args.skip_check:
        problem = _check_scope(args, args.role)
        if problem:
            print(f"error: {problem}", file=sys.stderr)
            return 2
    try:
        password = _read_password(args)
        password_hash = access.hash_password(password) if password is not None else None
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    with access.locked(path):
        users = dict(access.load_users(path)) if path.exists() else {}
        key = args.username.lower()
        old = users.get(key)
        if old and not args.update:
            print(
                f"error: user {args.username!r} exists in {path}; pass --update to change it", file=sys.stderr
            )
            return 2
        if password_hash is None and old and not args.no_password:
            password_hash = old.password_hash
        users[key] = access.User(
            args.username,
            args.role,
            args.factory,
            args.cluster,
            args.email or (old.email if old else None),
            password_hash,
        )
        try:
            access.save_users(path, users)
        except access.UsersFileError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
    print(f"{'updated' if old else 'added'} {args.username} ({args.role}) in {path}")
    return 0


def _remove(args, path) -> int:
    from supply.access import users as access

    with access.locked(path):
        users = dict(access.load_users(path)) if path.exists() else {}
        if users.pop(args.username.lower(), None) is None:
            print(f"error: no user {args.username!r} in {path}", file=sys.stderr)
            return 2
        access.save_users(path, users)
    print(f"removed {args.username} from {path}")
    return 0


def _list(args, path) -> int:
    from supply.access import users as access

    users = access.load_users(path) if path.exists() else {}
    rows = [
        {
            "username": u.username,
            "role": u.role,
            "factory_id": u.factory_id,
            "cluster_id": u.cluster_id,
            "email": u.email,
            "password": u.password_hash is not None,
        }
        for u in sorted(users.values(), key=lambda u: u.username.lower())
    ]
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    if not rows:
        print(f"no users in {path} (the app runs in demo mode while the file does not exist)")
        return 0
    print("username\trole\tfactory_id\tcluster_id\temail\tpassword")
    for r in rows:
        print("\t".join(["yes" if v is True else "no" if v is False else (v or "-") for v in r.values()]))
    return 0


@command("users", "manage sign-in users: add, remove, list (users file with argon2 hashes)")
def _users(p: argparse.ArgumentParser):
    p.add_argument(
        "--users", metavar="FILE", help="users file (default: $SUPPLY_USERS or <data dir>/users.toml)"
    )
    p.add_argument("--data", metavar="DIR", help="data directory (default: $SUPPLY_DATA or ./data)")
    # --users and --data may also come after the action (`users add NAME --users FILE`).
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--users", metavar="FILE", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    common.add_argument("--data", metavar="DIR", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    sub = p.add_subparsers(dest="action", required=True)
    add = sub.add_parser("add", parents=[common], help="add a user (or change one with --update)")
    add.add_argument("username")
    add.add_argument("--role", required=True, choices=("planner", "association", "factory", "admin"))
    add.add_argument("--factory", metavar="FACTORY_ID", help="the factory of a factory owner")
    add.add_argument("--cluster", metavar="CLUSTER_ID", help="the cluster of an association")
    add.add_argument("--email", help="e-mail for OIDC sign-in (st.login)")
    add.add_argument("--password-stdin", action="store_true", help="read the password from one line of stdin")
    add.add_argument("--no-password", action="store_true", help="no password: OIDC sign-in only")
    add.add_argument("--update", action="store_true", help="change an existing user")
    add.add_argument(
        "--skip-check",
        action="store_true",
        help="do not check the factory/cluster against the newest snapshot",
    )
    rm = sub.add_parser("remove", parents=[common], help="remove a user")
    rm.add_argument("username")
    ls = sub.add_parser("list", parents=[common], help="list users (never their hashes)")
    ls.add_argument("--json", action="store_true")

    def run(args) -> int:
        from supply.access import users as access

        path = access.users_path(args.users, args.data)
        try:
            if args.action == "add":
                if args.no_password and not args.email:
                    print("error: a user without a password needs --email (OIDC sign-in)", file=sys.stderr)
                    return 2
                return _add(args, path)
            if args.action == "remove":
                return _remove(args, path)
            return _list(args, path)
        except access.UsersFileError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2

    return run
