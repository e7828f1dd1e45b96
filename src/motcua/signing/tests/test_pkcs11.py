"""The pkcs11 signing backend against SoftHSM (a software PKCS#11 token from Debian): the key lives on the
token and never leaves it; MotCua signs through the module like it would through an HSM."""

from __future__ import annotations

import hashlib
import os
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from django.utils import timezone

from motcua.accounts.models import User
from motcua.documents.pdf import render_pdf
from motcua.org.models import Agency

from ..backends import signer_release, signing_backends
from ..ca import Authority
from ..models import SigningCertificate
from ..pades import StampInfo, pdf_sign, pdf_verify

SOFTHSM = Path("/usr/lib/softhsm/libsofthsm2.so")
PIN = "246810"


@pytest.fixture(scope="module")
def softhsm_config(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One token directory for the module: SoftHSM reads its configuration once per process."""
    if not SOFTHSM.is_file():
        pytest.fail("SoftHSM is not installed (make test installs softhsm2)")
    folder = tmp_path_factory.mktemp("softhsm")
    (folder / "tokens").mkdir()
    config = folder / "softhsm2.conf"
    config.write_text(
        f"directories.tokendir = {folder / 'tokens'}\nobjectstore.backend = file\nlog.level = ERROR\n"
    )
    os.environ["SOFTHSM2_CONF"] = str(config)
    subprocess.run(
        [
            "softhsm2-util",
            "--init-token",
            "--free",
            "--label",
            "motcua-test",
            "--pin",
            PIN,
            "--so-pin",
            "13579",
        ],
        check=True,
        capture_output=True,
    )
    return config


@pytest.fixture
def token(softhsm_config: Path, settings: Any) -> str:
    settings.MOTCUA_PKCS11_LIBRARY = str(SOFTHSM)
    settings.MOTCUA_PKCS11_TOKEN = "motcua-test"
    settings.MOTCUA_PKCS11_PIN = PIN
    return "motcua-test"


def _install_on_token(authority: Authority, user: User, agency: Agency, label: str) -> SigningCertificate:
    """What a provider's enrolment does: a key on the token and its certificate beside it (here the key is
    made in memory and imported, as SoftHSM's tools would)."""
    import pkcs11
    from pkcs11 import Attribute, CertificateType, KeyType, ObjectClass
    from pkcs11.util.ec import encode_named_curve_parameters

    key = ec.generate_private_key(ec.SECP256R1())
    start = datetime.now(UTC) - timedelta(days=1)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, user.full_name)]))
        .issuer_name(authority.certificate.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + timedelta(days=365))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(True, True, False, False, False, False, False, False, False), critical=True
        )
        .sign(authority.key, hashes.SHA256())
    )
    der = certificate.public_bytes(serialization.Encoding.DER)
    lib = pkcs11.lib(str(SOFTHSM))
    with lib.get_token(token_label="motcua-test").open(rw=True, user_pin=PIN) as session:
        session.create_object(
            {
                Attribute.CLASS: ObjectClass.PRIVATE_KEY,
                Attribute.KEY_TYPE: KeyType.EC,
                Attribute.EC_PARAMS: encode_named_curve_parameters("secp256r1"),
                Attribute.VALUE: key.private_numbers().private_value.to_bytes(32, "big"),
                Attribute.LABEL: label,
                Attribute.TOKEN: True,
                Attribute.PRIVATE: True,
                Attribute.SENSITIVE: True,
                Attribute.SIGN: True,
            }
        )
        session.create_object(
            {
                Attribute.CLASS: ObjectClass.CERTIFICATE,
                Attribute.CERTIFICATE_TYPE: CertificateType.X_509,
                Attribute.SUBJECT: certificate.subject.public_bytes(),
                Attribute.VALUE: der,
                Attribute.LABEL: label,
                Attribute.TOKEN: True,
            }
        )
    return SigningCertificate.objects.create(
        user=user,
        agency=agency,
        title="Chủ tịch",
        backend="pkcs11",
        key_ref=label,
        certificate_pem=certificate.public_bytes(serialization.Encoding.PEM).decode(),
        subject=certificate.subject.rfc4514_string(),
        issuer=certificate.issuer.rfc4514_string(),
        serial=format(certificate.serial_number, "x"),
        fingerprint=hashlib.sha256(der).hexdigest(),
        not_before=certificate.not_valid_before_utc,
        not_after=certificate.not_valid_after_utc,
    )


def test_signing_with_a_key_on_a_pkcs11_token(
    token: str, authority: Authority, leader: User, org: dict[str, Agency]
) -> None:
    certificate = _install_on_token(authority, leader, org["commune"], "leader-key")
    signer = signing_backends["pkcs11"].signer_for(certificate)
    content = render_pdf("documents/result_generated.html", {"title": "Giấy phép", "number": "3/GP"})
    stamp = StampInfo(
        leader.full_name, "Chủ tịch", org["commune"].name, "http://127.0.0.1:8000/x/", timezone.now()
    )
    try:
        signed = pdf_sign(content, signer, stamp, field_name="Signature1", reason="Ký bằng HSM")
    finally:
        signer_release(signer)
    report = pdf_verify(signed)
    assert report.verdict == "valid", report
    assert report.signatures[0].signer == leader.full_name


def test_a_wrong_pin_is_refused(
    token: str, settings: Any, authority: Authority, leader: User, org: dict[str, Agency]
) -> None:
    import pkcs11

    certificate = _install_on_token(authority, leader, org["commune"], "leader-key-2")
    settings.MOTCUA_PKCS11_PIN = "000000"
    with pytest.raises(pkcs11.exceptions.PinIncorrect):
        signing_backends["pkcs11"].signer_for(certificate)
