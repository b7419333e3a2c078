"""Helpers shared by the rpc and grpc-backend tests: in-process servers, a self-signed
TLS certificate made on the spot, and the identity of two results."""

from __future__ import annotations

import dataclasses
import datetime
import ipaddress
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from lab.rpc.server import AnalyticsServer
from lab.rpc.serving import ServerConfig

CACHE_MB = 16
TOKEN = "6f1c0e5b9a2d4c8e7b3a1f0d9c8b7a65"
"""A 128-bit hex bearer token for the tests."""


def start_server(**config) -> AnalyticsServer:
    """A started in-process server on 127.0.0.1:<ephemeral> (stop it with ``.stop(0)``)."""
    server = AnalyticsServer(ServerConfig(port=0, **config))
    server.start()
    return server


def identity_problems(got, want, path: str = "result") -> list[str]:
    """Where ``got`` is not ``want`` exactly: dataclasses of the same class field by field,
    arrays of the same dtype, shape and values (NaN where NaN), pandas objects of the same type,
    index and values, sequences of the same type, dicts with the same keys in the same order,
    scalars of the same type family and value."""
    out: list[str] = []
    if dataclasses.is_dataclass(want) and not isinstance(want, type):
        if type(got) is not type(want):
            return [f"{path}: {type(got).__name__} is not {type(want).__name__}"]
        for f in dataclasses.fields(want):
            out += identity_problems(
                getattr(got, f.name), getattr(want, f.name), f"{path}.{f.name}"
            )
    elif isinstance(want, pd.Series | pd.DataFrame):
        try:
            (
                pd.testing.assert_series_equal
                if isinstance(want, pd.Series)
                else pd.testing.assert_frame_equal
            )(got, want)
        except AssertionError as exc:
            out.append(f"{path}: {exc}")
    elif isinstance(want, np.ndarray):
        if not isinstance(got, np.ndarray) or got.dtype != want.dtype or got.shape != want.shape:
            out.append(
                f"{path}: {getattr(got, 'dtype', type(got))} {getattr(got, 'shape', '')} is not {want.dtype} {want.shape}"
            )
        elif not np.array_equal(got, want, equal_nan=want.dtype.kind in "fc"):
            out.append(f"{path}: values differ")
    elif isinstance(want, dict):
        if type(got) is not dict or list(got) != list(want):
            return [f"{path}: keys {list(got) if isinstance(got, dict) else got!r} != {list(want)}"]
        for key in want:
            out += identity_problems(got[key], want[key], f"{path}.{key}")
    elif isinstance(want, tuple | list):
        if type(got) is not type(want) or len(got) != len(want):
            return [
                f"{path}: {type(got).__name__} of {len(got)} is not {type(want).__name__} of {len(want)}"
            ]
        for i, (g, w) in enumerate(zip(got, want, strict=True)):
            out += identity_problems(g, w, f"{path}[{i}]")
    elif isinstance(want, float | np.floating):
        same = isinstance(got, float | np.floating) and (
            got == want or (np.isnan(got) and np.isnan(want))
        )
        if not same:
            out.append(f"{path}: {got!r} != {want!r}")
    elif type(got) is not type(want) and not (
        isinstance(want, np.integer | int) and isinstance(got, int) and not isinstance(got, bool)
    ):
        out.append(f"{path}: {type(got).__name__} {got!r} is not {type(want).__name__} {want!r}")
    elif got != want:
        out.append(f"{path}: {got!r} != {want!r}")
    return out


def assert_identical(got, want) -> None:
    """Fail listing every place where ``got`` is not exactly ``want`` (:func:`identity_problems`)."""
    problems = identity_problems(got, want)
    assert not problems, "\n".join(problems[:20])


def make_self_signed(directory: Path) -> tuple[Path, Path]:
    """A self-signed certificate for localhost / 127.0.0.1 and its key, as PEM files."""
    cert_path, key_path = directory / "server.crt", directory / "server.key"
    try:
        from cryptography import x509
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import ec
        from cryptography.x509.oid import NameOID
    except ImportError:
        openssl = shutil.which("openssl")
        if openssl is None:
            pytest.skip("neither the cryptography package nor the openssl CLI is available")
        subprocess.run(
            [
                openssl,
                "req",
                "-x509",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:P-256",
                "-nodes",
                "-days",
                "1",
                "-subj",
                "/CN=localhost",
                "-addext",
                "subjectAltName=DNS:localhost,IP:127.0.0.1",
                "-keyout",
                str(key_path),
                "-out",
                str(cert_path),
            ],
            check=True,
            capture_output=True,
        )
        return cert_path, key_path
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path
