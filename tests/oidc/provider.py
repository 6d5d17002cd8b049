"""The test OpenID provider (provider.mjs: the npm package oidc-provider on Debian's Node.js)
as a context manager: started on a free loopback port, told its clients, accounts and how to
spoil the next ID token through a JSON file it reads at every request, stopped at the end.

Node.js or the installed packages (`make oidc-provider`, i.e. `npm ci` in this folder) missing
skips the tests that need it, or fails them when REQUIRE_OIDC=1 (CI)."""

from __future__ import annotations

import contextlib
import copy
import json
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.processes import stop

HERE = Path(__file__).resolve().parent
SCRIPT = HERE / "provider.mjs"
CLIENT_ID = "orgreg"
CLIENT_SECRET = "orgreg-test-secret"
PASSWORD = "idp-kode-123"

# The municipality's AD groups as the provider sends them, and the map orgreg is given.
ROLE_MAP = ("Redaktør:grp-redaktion,grp-hr;Leder:grp-ledere;MED:grp-med;Læser:grp-alle;"
            "Superbruger:grp-it-drift")
ACCOUNTS = {
    "a7f3c2e0-redaktoer": {"username": "anna", "email": "anna@kommune.example",
                           "given_name": "Anna", "family_name": "Redaktør",
                           "groups": ["grp-redaktion", "grp-alle"]},
    "b81d44a9-leder": {"username": "lars", "email": "lars@kommune.example",
                       "given_name": "Lars", "family_name": "Leder",
                       "employee_number": "E-4711", "groups": ["grp-ledere"]},
    "c0ffee00-ingen": {"username": "ib", "email": "ib@kommune.example",
                       "given_name": "Ib", "family_name": "Udenfor",
                       "groups": ["grp-kantine"]},
}


def require_provider() -> str:
    """Node's path; skips (fails under REQUIRE_OIDC=1) when the provider cannot run here."""
    node = shutil.which("node")
    reason = ""
    if not node:
        reason = "Node.js findes ikke; installér den med 'apt-get install nodejs npm'."
    elif not (HERE / "node_modules" / "oidc-provider").is_dir():
        reason = "Testudbyderens pakker mangler; kør 'make oidc-provider' (npm ci i tests/oidc)."
    if reason:
        if os.environ.get("REQUIRE_OIDC") == "1":
            pytest.fail(reason)
        pytest.skip(reason)
    return node  # type: ignore[return-value]


class TestProvider:
    """A running provider: `issuer`, and `configure` to change what it answers."""

    __test__ = False  # not a test class, whatever its name

    def __init__(self, state_path: Path, state: dict, issuer: str) -> None:
        self.state_path = state_path
        self.initial = copy.deepcopy(state)
        self.state = state
        self.issuer = issuer

    def _write(self) -> None:
        tmp = self.state_path.with_suffix(".tmp")
        tmp.write_text(json.dumps(self.state))
        tmp.replace(self.state_path)

    def reset(self) -> None:
        self.state = copy.deepcopy(self.initial)
        self._write()

    def set_groups(self, sub: str, groups: list[str]) -> None:
        self.state["accounts"][sub]["groups"] = list(groups)
        self._write()

    def spoil_id_token(self, mode: str) -> None:
        """How the token endpoint's next answers spoil the ID token (provider.mjs)."""
        self.state["id_token"] = mode
        self._write()


@contextlib.contextmanager
def running_provider(redirect_hosts: list[str]) -> Iterator[TestProvider]:
    """A provider whose client `orgreg` may come back to /oidc/callback/ and /login/ of each of
    `redirect_hosts` ("http://testserver", a live server's URL)."""
    node = require_provider()
    with tempfile.TemporaryDirectory(prefix="orgreg-oidc-") as tmp:
        state_path, ready, log_path = Path(tmp, "state.json"), Path(tmp, "ready"), \
            Path(tmp, "provider.log")
        accounts = {sub: {**account, "password": PASSWORD} for sub, account in ACCOUNTS.items()}
        state = {
            "clients": [{
                "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET,
                "redirect_uris": [f"{host}/oidc/callback/" for host in redirect_hosts],
                "post_logout_redirect_uris": [f"{host}/login/" for host in redirect_hosts],
            }],
            "accounts": accounts,
            "id_token": "as-issued",
        }
        state_path.write_text(json.dumps(state))
        with open(log_path, "w") as log:
            process = subprocess.Popen([node, str(SCRIPT), str(state_path), str(ready)],
                                       cwd=HERE, stdout=log, stderr=subprocess.STDOUT,
                                       stdin=subprocess.DEVNULL)
        try:
            deadline = time.monotonic() + 20
            while not ready.exists():
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("The test OpenID provider did not start:\n"
                                       + log_path.read_text())
                time.sleep(0.05)
            yield TestProvider(state_path, state, ready.read_text().strip())
        finally:
            stop(process, timeout=5)


def configure_orgreg(settings, provider: TestProvider) -> None:
    """Point orgreg's settings (pytest-django's `settings` fixture) at the provider."""
    from orgreg.accounts import discovery

    settings.OIDC_ISSUER = provider.issuer
    settings.OIDC_CLIENT_ID = CLIENT_ID
    settings.OIDC_CLIENT_SECRET = CLIENT_SECRET
    settings.OIDC_ROLE_MAP = ROLE_MAP
    settings.OIDC_SUPERUSER_GROUPS = []
    discovery.forget()


def main() -> None:
    """`python -m tests.oidc.provider`: the test provider for trying the sign-in by hand
    against `make run`, until Ctrl-C; prints the environment orgreg needs."""
    import argparse
    import signal

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--orgreg", default="http://127.0.0.1:8000",
                        help="orgreg's address as the browser sees it")
    args = parser.parse_args()

    def stop(*_):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    with running_provider([args.orgreg.rstrip("/")]) as provider:
        print(f"OIDC_ISSUER={provider.issuer} OIDC_CLIENT_ID={CLIENT_ID} "
              f"OIDC_CLIENT_SECRET={CLIENT_SECRET} OIDC_ROLE_MAP='{ROLE_MAP}' make run")
        for account in ACCOUNTS.values():
            print(f"  {account['username']} / {PASSWORD}: {', '.join(account['groups'])}")
        print("Ctrl-C stops the provider.", flush=True)
        try:
            signal.pause()
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
