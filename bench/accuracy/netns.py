"""A network namespace where the corpus's original hosts live on 127.0.0.1 and nothing else exists.

``unshare --net --mount`` gives the benchmark a namespace of its own: its only
interface is loopback, so no packet can leave the machine. Inside it, a
private hosts file maps every corpus host to 127.0.0.1, and a throw-away CA
(made here, with a certificate for every corpus host) replaces the trusted
bundles by bind mounts that only this namespace sees. The crawler then talks
to ``https://brand.example/page`` exactly as it would on the web, and the
page's own links stay in its brand's scope.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

INSIDE_ENV = "CONNECTEDNESS_ACCURACY_NETNS"
SYSTEM_BUNDLES = ("/etc/ssl/certs/ca-certificates.crt", "/etc/pki/tls/certs/ca-bundle.crt")


class NamespaceError(RuntimeError):
    """The namespace could not be made or is not sealed: the benchmark must not run."""


def inside() -> bool:
    return os.environ.get(INSIDE_ENV) == "1"


def reexec_inside(argv: list[str]) -> int:
    """Run ``python -m bench.accuracy ARGV`` again inside a new net+mount namespace; its exit code."""
    unshare = shutil.which("unshare")
    if unshare is None:
        raise NamespaceError("unshare (util-linux) is needed to make a network namespace")
    command = [unshare, "--net", "--mount"]
    if os.geteuid() != 0:
        command.append("--map-root-user")  # an unprivileged user namespace, where the kernel allows one
    command += ["--", sys.executable, "-m", "bench.accuracy", *argv]
    env = {**os.environ, INSIDE_ENV: "1"}
    return subprocess.call(command, env=env, cwd=Path(__file__).resolve().parents[2])


def _run(*command: str) -> None:
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise NamespaceError(f"{' '.join(command)} failed: {done.stderr.strip() or done.stdout.strip()}")


def seal(hosts: list[str], workdir: Path, trust_files: list[str]) -> tuple[Path, Path]:
    """Inside the namespace: loopback up, only loopback present, hosts mapped, the CA trusted.

    Returns the server certificate and key. ``trust_files`` are CA bundles to replace (certifi's,
    the system's) besides the usual system paths.
    """
    if not inside():
        raise NamespaceError("seal() must run inside the namespace made by reexec_inside()")
    _run("ip", "link", "set", "lo", "up")
    interfaces = _interfaces()
    if interfaces != ["lo"]:
        raise NamespaceError(f"the namespace has other interfaces than loopback: {interfaces}")
    workdir.mkdir(parents=True, exist_ok=True)
    hosts_file = workdir / "hosts"
    hosts_file.write_text("127.0.0.1 localhost\n" + "".join(f"127.0.0.1 {h}\n" for h in hosts), encoding="ascii")
    _run("mount", "--bind", str(hosts_file), "/etc/hosts")
    cert, key, ca = _make_certificates(hosts, workdir)
    for bundle in {*trust_files, *(b for b in SYSTEM_BUNDLES if os.path.exists(b))}:
        _run("mount", "--bind", str(ca), bundle)
    return cert, key


def _interfaces() -> list[str]:
    """The interfaces of this network namespace (``/proc/net/dev`` is per namespace; ``/sys`` is not remounted)."""
    lines = Path("/proc/net/dev").read_text(encoding="ascii").splitlines()[2:]
    return sorted(line.split(":", 1)[0].strip() for line in lines)


def _make_certificates(hosts: list[str], workdir: Path) -> tuple[Path, Path, Path]:
    """A CA made for this run and one server certificate naming every host (openssl)."""
    ca_key, ca_cert = workdir / "ca.key", workdir / "ca.pem"
    key, csr, cert = workdir / "server.key", workdir / "server.csr", workdir / "server.pem"
    _run("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj",
         "/CN=connectedness accuracy throw-away CA", "-keyout", str(ca_key), "-out", str(ca_cert),
         "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign")
    _run("openssl", "req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=corpus", "-keyout", str(key),
         "-out", str(csr))
    extensions = workdir / "san.cnf"
    extensions.write_text("subjectAltName=" + ",".join(f"DNS:{h}" for h in hosts) + "\n"
                          "basicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n"
                          "authorityKeyIdentifier=keyid\n", encoding="ascii")
    _run("openssl", "x509", "-req", "-in", str(csr), "-CA", str(ca_cert), "-CAkey", str(ca_key),
         "-CAcreateserial", "-days", "2", "-extfile", str(extensions), "-out", str(cert))
    return cert, key, ca_cert
