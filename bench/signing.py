"""Benchmark: PAdES signing and verification of a typical one-page result, per core.

    .venv/bin/python bench/signing.py [--seconds 15]

Renders one result document the way MotCua generates it (A4, WeasyPrint), then for ``--seconds`` each, in
this single process (one core):
1. signs it again and again as a leader would (PKCS#12 key held by the server, visible Vietnamese stamp
   with QR code, PAdES B-B) — the whole ``signing.pades.pdf_sign`` path, key loading excluded (a signing
   session loads the key once);
2. verifies the signed file (``signing.pades.pdf_verify``: integrity, chain to the demo CA, modification
   analysis), as the public verification page does.
Prints operations per second and p50/p95 times. Uses a temporary data directory; no database, no network.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=15.0)
    args = parser.parse_args()
    os.environ.setdefault("MOTCUA_ENV", "test")
    os.environ["MOTCUA_DATA_DIR"] = tempfile.mkdtemp(prefix="motcua-bench-signing-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")
    import django

    django.setup()
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID
    from django.utils import timezone
    from pyhanko.sign.signers import SimpleSigner
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    from motcua.documents.pdf import render_pdf
    from motcua.signing.ca import demo_ca_ensure
    from motcua.signing.pades import StampInfo, pdf_sign, pdf_verify

    authority = demo_ca_ensure()
    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.now(UTC)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Bùi Thị Lan")])
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(authority.certificate.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=365))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(True, True, False, False, False, False, False, False, False), critical=True
        )
        .sign(authority.key, hashes.SHA256())
    )
    from asn1crypto import keys as asn1_keys
    from asn1crypto import x509 as asn1_x509
    from cryptography.hazmat.primitives import serialization

    signer = SimpleSigner(
        signing_cert=asn1_x509.Certificate.load(certificate.public_bytes(serialization.Encoding.DER)),
        signing_key=asn1_keys.PrivateKeyInfo.load(
            key.private_bytes(
                serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
        ),
        cert_registry=SimpleCertificateStore.from_certs(
            [asn1_x509.Certificate.load(authority.certificate.public_bytes(serialization.Encoding.DER))]
        ),
    )
    content = render_pdf(
        "documents/result_generated.html",
        {"title": "Giấy khai sinh", "agency": "Ủy ban nhân dân phường Bắc Giang", "number": "15/2026/GKS"},
    )
    stamp = StampInfo(
        "Bùi Thị Lan",
        "Chủ tịch",
        "Ủy ban nhân dân phường Bắc Giang",
        "http://127.0.0.1/xac-thuc/x/",
        timezone.now(),
    )
    pdf_sign(content, signer, stamp, field_name="Warmup", reason="Ký")  # font loading, first-use costs

    def run(label: str, operation) -> None:  # type: ignore[no-untyped-def]
        times: list[float] = []
        end = time.perf_counter() + args.seconds
        while time.perf_counter() < end and len(times) < 100_000:
            start = time.perf_counter()
            operation()
            times.append(time.perf_counter() - start)
        rate = len(times) / sum(times)
        p50 = statistics.median(times) * 1000
        p95 = statistics.quantiles(times, n=20)[18] * 1000 if len(times) >= 20 else max(times) * 1000
        print(f"{label:<28} {len(times):>6} ops  {rate:7.1f}/s  p50 {p50:6.1f} ms  p95 {p95:6.1f} ms")

    signed = pdf_sign(content, signer, stamp, field_name="Signature1", reason="Ký")
    assert pdf_verify(signed).verdict == "valid", pdf_verify(signed)
    print(f"one-page result: {len(content):,} bytes; signed: {len(signed):,} bytes")
    run(
        "sign (PAdES B-B, stamp+QR)",
        lambda: pdf_sign(content, signer, stamp, field_name="Signature1", reason="Ký"),
    )
    run("verify (chain + integrity)", lambda: pdf_verify(signed))


if __name__ == "__main__":
    main()
