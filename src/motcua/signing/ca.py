"""The demo's own certificate authority and one signing certificate per leader.

A real province uses certificates from a licensed provider (e.g. the Government CA); the demo and the tests
make their own: a root CA in ``<data dir>/signing/demo-ca.pem`` (its key beside it, readable by the server
only), which ``MOTCUA_SIGNING_TRUST_ROOTS`` trusts by default, and a PKCS#12 key file per signer for the
``pkcs12`` backend.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from django.conf import settings

from motcua.accounts.models import User
from motcua.org.models import Agency

from .backends import keys_dir, pkcs12_passphrase
from .models import SigningCertificate

CA_NAME = "MotCua Demo CA"


@dataclass(frozen=True)
class Authority:
    certificate: x509.Certificate
    key: ec.EllipticCurvePrivateKey


def ca_dir() -> Path:
    return Path(settings.DATA_DIR) / "signing"


def _name(common_name: str, organisation: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _write_private(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)


def demo_ca_ensure(*, common_name: str = CA_NAME, valid_days: int = 3650) -> Authority:
    """Load the demo CA, creating it on first use."""
    folder = ca_dir()
    cert_path, key_path = folder / "demo-ca.pem", folder / "demo-ca.key"
    if cert_path.is_file() and key_path.is_file():
        key = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
        assert isinstance(key, ec.EllipticCurvePrivateKey)
        return Authority(x509.load_pem_x509_certificate(cert_path.read_bytes()), key)
    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.now(UTC)
    name = _name(common_name, "MotCua")
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=valid_days))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    _write_private(
        key_path,
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        ),
    )
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    return Authority(certificate, key)


def certificate_issue(
    authority: Authority,
    user: User | None,
    agency: Agency,
    title: str,
    *,
    not_before: datetime | None = None,
    valid_days: int = 730,
) -> SigningCertificate:
    """A signing certificate for ``user`` (CN = full name, O = agency), or the agency's seal when ``user``
    is None (CN = the agency's name), with a PKCS#12 key file."""
    key = ec.generate_private_key(ec.SECP256R1())
    start = not_before or datetime.now(UTC) - timedelta(days=1)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(_name((user.full_name or user.get_username()) if user else agency.name, agency.name))
        .issuer_name(authority.certificate.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + timedelta(days=valid_days))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(authority.key.public_key()), critical=False
        )
        .sign(authority.key, hashes.SHA256())
    )
    der = certificate.public_bytes(serialization.Encoding.DER)
    fingerprint = hashlib.sha256(der).hexdigest()
    file_name = f"{fingerprint[:24]}.p12"
    _write_private(
        keys_dir() / file_name,
        pkcs12.serialize_key_and_certificates(
            (user.get_username() if user else agency.code).encode(),
            key,
            certificate,
            [authority.certificate],
            serialization.BestAvailableEncryption(pkcs12_passphrase(fingerprint)),
        ),
    )
    return SigningCertificate.objects.create(
        user=user,
        agency=agency,
        title=title,
        backend="pkcs12",
        key_ref=file_name,
        certificate_pem=certificate.public_bytes(serialization.Encoding.PEM).decode(),
        subject=certificate.subject.rfc4514_string(),
        issuer=certificate.issuer.rfc4514_string(),
        serial=format(certificate.serial_number, "x"),
        fingerprint=fingerprint,
        not_before=certificate.not_valid_before_utc,
        not_after=certificate.not_valid_after_utc,
    )
