"""The simulator's signing key: an RSA key pair made on first use and kept in the data directory
(``<data dir>/identity/vneid-simulator.pem``, readable by the server only), so the tokens it signs stay
verifiable across restarts, like a real provider's published key."""

from __future__ import annotations

import hashlib
import os
from functools import cache
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.conf import settings


def key_path() -> Path:
    return Path(settings.DATA_DIR) / "identity" / "vneid-simulator.pem"


def _read(path: Path) -> rsa.RSAPrivateKey:
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    assert isinstance(key, rsa.RSAPrivateKey)
    return key


@cache
def _load(path: Path) -> rsa.RSAPrivateKey:
    if path.is_file():
        return _read(path)
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    # Created exclusively: two processes starting together keep the first key written.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return _read(path)
    with os.fdopen(fd, "wb") as handle:
        handle.write(pem)
    return key


def signing_key() -> rsa.RSAPrivateKey:
    return _load(key_path())


def key_id(key: rsa.RSAPrivateKey) -> str:
    der = key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return hashlib.sha256(der).hexdigest()[:16]
