"""with-build-secrets.sh, run by /bin/sh as the image builds run it."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

from roles import RUNTIME

SCRIPT = RUNTIME / "with-build-secrets.sh"
SYSTEM_ROOTS = Path("/etc/ssl/certs/ca-certificates.crt")


def run(secrets: Path, *command: str) -> subprocess.CompletedProcess[str]:
    env = {"PATH": os.environ["PATH"], "FLOPS_SECRETS_DIR": str(secrets)}
    return subprocess.run(["/bin/sh", str(SCRIPT), *command], env=env, capture_output=True, text=True, timeout=30)


def test_without_secrets_it_runs_the_command_and_keeps_its_status(tmp_path: Path) -> None:
    result = run(tmp_path, "sh", "-c", "echo ran; exit 3")
    assert (result.returncode, result.stdout) == (3, "ran\n")


def test_adds_the_ca_to_the_image_roots_in_a_bundle_it_removes(tmp_path: Path) -> None:
    (tmp_path / "flops-ca").write_text("-----BEGIN CERTIFICATE-----\nPROXY\n")
    result = run(
        tmp_path,
        "sh",
        "-c",
        f'cat "$PIP_CERT"; echo "$PIP_CERT $SSL_CERT_FILE $REQUESTS_CA_BUNDLE $NODE_EXTRA_CA_CERTS" > {tmp_path}/paths',
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(SYSTEM_ROOTS.read_text())
    assert result.stdout.endswith("-----BEGIN CERTIFICATE-----\nPROXY\n")
    # pip, OpenSSL, requests and Node (npm in the builder image's own build) all read the same bundle.
    bundle, *also_bundle = (tmp_path / "paths").read_text().split()
    assert also_bundle == [bundle] * 3
    assert not Path(bundle).exists()


def test_exports_env_lines_verbatim_and_skips_bad_ones_quietly(tmp_path: Path) -> None:
    (tmp_path / "flops-env").write_text(
        "# proxy settings\n"
        "HTTPS_PROXY=http://user:p$ss`w0rd'\"@proxy:3128\r\n"
        "PIP_INDEX_URL=https://t:$(touch /tmp/pwned)@index/simple\n"
        "\n"
        "bad name=SECRET-1\n"
        "1BAD=SECRET-2\n"
        "SECRET-3\n"
        "LAST_LINE=no newline"
    )
    result = run(tmp_path, "python3", "-c", "import json, os; print(json.dumps(dict(os.environ)))")
    assert result.returncode == 0, result.stderr
    env = json.loads(result.stdout)
    assert env["HTTPS_PROXY"] == "http://user:p$ss`w0rd'\"@proxy:3128"
    assert env["PIP_INDEX_URL"] == "https://t:$(touch /tmp/pwned)@index/simple"
    assert env["LAST_LINE"] == "no newline"
    assert "1BAD" not in env
    assert result.stderr.count("skipping") == 3
    assert "SECRET" not in result.stderr
