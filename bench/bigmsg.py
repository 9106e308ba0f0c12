"""Measurement 3: a ~25 MB DKIM-signed message (big base64 attachment), time and peak memory.

``generate(workdir)`` makes (once) an RSA-2048 key pair, a zone ``bench.headerlens.test`` holding
its public key (served by the benchmark's own Knot, since the lab ships no private keys), and the
signed message. ``python bench/bigmsg.py measure FILE PORT`` runs in a fresh process: it reads
the file, analyses it, then re-verifies DKIM through the proxy, and prints timings and peak RSS
(VmHWM, with the peak reset after analysis via /proc/self/clear_refs so the DKIM step's own peak
is visible too).
"""

from __future__ import annotations

import asyncio
import base64
import json
import random
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

DOMAIN = "bench.headerlens.test"
SELECTOR = "big"
TARGET_BYTES = 25 * 1000 * 1000


def _keypair(workdir: Path) -> tuple[bytes, str]:
    """(private key PEM, public key base64 for p=), made once and kept in ``workdir``."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    pem_path = workdir / "big.key.pem"
    if not pem_path.exists():
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        pem_path.write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.TraditionalOpenSSL,
                serialization.NoEncryption(),
            )
        )
    pem = pem_path.read_bytes()
    private = serialization.load_pem_private_key(pem, password=None)
    der = private.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return pem, base64.b64encode(der).decode()


def _zone(zone_dir: Path, public_b64: str) -> None:
    chunks = " ".join(f'"{public_b64[i : i + 200]}"' for i in range(0, len(public_b64), 200))
    zone_dir.mkdir(parents=True, exist_ok=True)
    (zone_dir / f"{DOMAIN}.zone").write_text(
        f"$ORIGIN {DOMAIN}.\n$TTL 300\n"
        f"@ IN SOA ns1.{DOMAIN}. hostmaster.{DOMAIN}. 2026112601 3600 600 86400 300\n"
        f"@ IN NS ns1.{DOMAIN}.\nns1 IN A 127.0.0.1\n"
        f'@ IN TXT "v=spf1 ip4:192.0.2.0/24 -all"\n'
        f'_dmarc IN TXT "v=DMARC1; p=reject"\n'
        f'{SELECTOR}._domainkey IN TXT "v=DKIM1; k=rsa; p=" {chunks}\n'
    )


def _body(boundary: str) -> bytes:
    """A multipart body: a short text part and one base64 attachment filling up to ~25 MB."""
    head = (
        f"--{boundary}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
        "The quarterly archive is attached.\r\n\r\n"
        f"--{boundary}\r\nContent-Type: application/octet-stream\r\n"
        'Content-Disposition: attachment; filename="archive.bin"\r\n'
        "Content-Transfer-Encoding: base64\r\n\r\n"
    ).encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    # base64 at 76 chars + CRLF per 57 raw bytes: size the attachment to hit the target.
    raw_len = (TARGET_BYTES - 2000) * 57 // 78
    data = random.Random(5).randbytes(raw_len)
    b64 = base64.encodebytes(data).replace(b"\n", b"\r\n")
    return head + b64 + tail


def generate(workdir: Path) -> tuple[Path, Path]:
    """(message path, zone folder); reuses what a previous run made."""
    import dkim

    workdir.mkdir(parents=True, exist_ok=True)
    pem, public_b64 = _keypair(workdir)
    zone_dir = workdir / "zones"
    _zone(zone_dir, public_b64)
    msg_path = workdir / "big-25mb.eml"
    if msg_path.exists():
        return msg_path, zone_dir
    boundary = "bench-boundary-25mb"
    headers = (
        "Received: from mail.bench.headerlens.test (mail.bench.headerlens.test [192.0.2.25])\r\n"
        "\tby mx.google.com with ESMTPS id bench25; Thu, 26 Nov 2026 10:00:00 +0000\r\n"
        f"From: Archive <archive@{DOMAIN}>\r\nTo: helpdesk@contoso.com\r\n"
        "Subject: Quarterly archive (25 MB)\r\nDate: Thu, 26 Nov 2026 09:59:58 +0000\r\n"
        f"Message-ID: <big25@{DOMAIN}>\r\nMIME-Version: 1.0\r\n"
        f'Content-Type: multipart/mixed; boundary="{boundary}"\r\n'
    ).encode()
    message = headers + b"\r\n" + _body(boundary)
    sig = dkim.sign(
        message,
        SELECTOR.encode(),
        DOMAIN.encode(),
        pem,
        canonicalize=(b"relaxed", b"relaxed"),
        include_headers=[b"from", b"to", b"subject", b"date", b"message-id", b"content-type"],
    )
    msg_path.write_bytes(sig.replace(b"\n", b"\r\n").replace(b"\r\r\n", b"\r\n") + message)
    return msg_path, zone_dir


def _status_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return -1


def _reset_peak() -> bool:
    try:
        Path("/proc/self/clear_refs").write_text("5")  # resets VmHWM (Linux >= 4.0)
    except OSError:
        return False
    return True


def measure(path: Path, port: int) -> dict[str, object]:
    """Read, analyse, verify DKIM; timings in ms and memory in MiB."""
    from headerlens.analyze import analyze
    from headerlens.dnsclient.resolver import LiveResolver
    from headerlens.evaluators.dkim import verify_dkim

    base_kb = _status_kb("VmRSS")
    t0 = time.perf_counter()
    raw = path.read_bytes()
    analysis = analyze(raw, source_name=path.name)
    t1 = time.perf_counter()
    after_analyze_hwm = _status_kb("VmHWM")
    before_dkim_rss = _status_kb("VmRSS")
    reset = _reset_peak()
    resolver = LiveResolver([("127.0.0.1", port)], timeout=3.0, deadline=20.0)
    verdicts = asyncio.run(
        verify_dkim(
            analysis.raw,
            has_body=analysis.has_body,
            resolver=resolver,
            receipt_time=analysis.receipt_time,
            now=datetime.now(UTC),
        )
    )
    t2 = time.perf_counter()
    mib = 1024.0
    return {
        "file_mib": len(raw) / 1024 / 1024,
        "read_analyze_ms": (t1 - t0) * 1000,
        "dkim_ms": (t2 - t1) * 1000,
        "dkim_results": [
            (v.header_result.value, v.body_result.value, v.result.value) for v in verdicts
        ],
        "baseline_rss_mib": base_kb / mib,
        "peak_after_analyze_mib": after_analyze_hwm / mib,
        "rss_before_dkim_mib": before_dkim_rss / mib,
        "peak_during_dkim_mib": _status_kb("VmHWM") / mib if reset else None,
        "peak_total_mib": max(after_analyze_hwm, _status_kb("VmHWM")) / mib,
    }


if __name__ == "__main__":
    if sys.argv[1] == "measure":
        print(json.dumps(measure(Path(sys.argv[2]), int(sys.argv[3]))))
    elif sys.argv[1] == "generate":
        print(generate(Path(sys.argv[2])))
