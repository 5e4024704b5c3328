"""The platform's secrets, one per purpose, generated once and kept in a file.

`make setup` (platform/bootstrap.py) keeps them in .local/secrets.env (git-ignored), which the
Makefile loads before every command; `docker compose` keeps them in the `secrets` volume through
this file's command line:

    python3 platform/local_secrets.py /secrets/secrets.env -- platform/bin/web

A value already in the environment wins over the file (and is never written to it), so a
deployment can configure any of them; the others are generated on the first run and the same
on every later run. Standard library only: it runs before the virtualenv exists.

Each secret has one purpose, so rotating one leaves the others working (README, "Security"):
SECRET_KEY (Django's sessions, CSRF, password resets, cursors), JWT_SIGNING_KEY (API access
and refresh tokens), QR_SIGNING_KEY (signed QR payloads), CARD_PIN_PEPPER (consumption
passwords' hashes), WEBPUSH_VAPID_PRIVATE_KEY (the VAPID key that signs Web Push requests,
RFC 8292; Django derives its public key with `cryptography`, which this file may not import).
"""

from __future__ import annotations

import base64
import os
import secrets
import sys
from pathlib import Path

# The order of the P-256 curve: a VAPID private key is a number in [1, order - 1].
P256_ORDER = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551


def random_token() -> str:
    return secrets.token_urlsafe(50)


def vapid_private_key() -> str:
    """A P-256 private key in the raw form py-vapid reads: 32 bytes, base64url, no padding."""
    number = 1 + secrets.randbelow(P256_ORDER - 1)
    return base64.urlsafe_b64encode(number.to_bytes(32, "big")).rstrip(b"=").decode()


GENERATORS = {
    "SECRET_KEY": random_token,
    "JWT_SIGNING_KEY": random_token,
    "QR_SIGNING_KEY": random_token,
    "CARD_PIN_PEPPER": random_token,
    "WEBPUSH_VAPID_PRIVATE_KEY": vapid_private_key,
}
NAMES = tuple(GENERATORS)


def read(path: Path) -> dict[str, str]:
    if not path.exists():
        return {}
    values = {}
    for line in path.read_text().splitlines():
        key, sep, value = line.partition("=")
        if sep and key.strip() in NAMES and value.strip():
            values[key.strip()] = value.strip()
    return values


def ensure(path: Path, environ: dict[str, str] | None = None) -> tuple[dict[str, str], list[str]]:
    """(every secret's value, the names generated now). Values from `environ` win and are not
    stored; missing ones are generated and appended to `path` (mode 600)."""
    environ = os.environ if environ is None else environ
    stored = read(path)
    generated = [name for name in NAMES if not environ.get(name) and name not in stored]
    if generated:
        path.parent.mkdir(parents=True, exist_ok=True)
        fresh = {name: GENERATORS[name]() for name in generated}
        stored.update(fresh)
        lines = [f"{name}={stored[name]}" for name in NAMES if name in stored]
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w") as file:
            file.write("\n".join(lines) + "\n")
    values = {name: environ.get(name) or stored[name] for name in NAMES}
    return values, generated


def describe(path: Path, generated: list[str], environ: dict[str, str]) -> str:
    configured = [name for name in NAMES if environ.get(name)]
    parts = []
    if generated:
        parts.append(
            f"已生成新密钥 / generated new secrets {', '.join(generated)}, kept in {path}"
            " (the same on every later run; delete a line to rotate that secret)"
        )
    if configured:
        parts.append(f"使用环境变量中的密钥 / using {', '.join(configured)} from the environment")
    kept = [name for name in NAMES if name not in generated and name not in configured]
    if kept:
        parts.append(f"使用已保存的密钥 / using the secrets kept in {path}: {', '.join(kept)}")
    return "; ".join(parts)


def main(argv: list[str]) -> int:
    if len(argv) < 3 or argv[1] != "--":
        print("usage: local_secrets.py FILE -- COMMAND [ARGS...]", file=sys.stderr)
        return 2
    path = Path(argv[0])
    environ = dict(os.environ)
    try:
        values, generated = ensure(path, environ)
    except OSError as error:
        print(
            f"无法保存密钥 / cannot keep the secrets in {path} ({error}): set SECRET_KEY, "
            f"JWT_SIGNING_KEY, QR_SIGNING_KEY and CARD_PIN_PEPPER in the environment.",
            file=sys.stderr,
        )
        return 1
    print(f"==> {describe(path, generated, environ)}", file=sys.stderr, flush=True)
    os.environ.update(values)
    os.execvp(argv[2], argv[2:])  # noqa: S606
    return 0  # not reached


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
