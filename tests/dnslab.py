"""Start and stop the lab DNS for tests: Knot (authoritative) behind Unbound (recursive).

Also holds two loopback-only helpers for the resolver tests: a UDP port that never answers and
a UDP relay that delays and counts the packets it forwards.
"""

from __future__ import annotations

import contextlib
import heapq
import os
import selectors
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import dns.exception
import dns.message
import dns.query
import dns.rcode
from dns.rdatatype import to_text as rdtype_text

HOST = "127.0.0.1"
TESTS = Path(__file__).resolve().parent
LAB_ZONES = TESTS / "data" / "lab" / "zones"  # copied from ../shared/lab/zones
TEST_ZONES = TESTS / "data" / "dns" / "zones"  # hl.test and broken.test, for the resolver tests
TOOLS = ("knotd", "unbound")
# Debian puts both daemons in /usr/sbin, which is not on every user's PATH.
_SBIN = ("/usr/sbin", "/usr/local/sbin", "/sbin")


class LabDnsError(RuntimeError):
    """The lab servers could not be started; the message carries their logs."""


def find_tool(name: str) -> str | None:
    """The path of a server binary, looking in sbin folders too, or None."""
    found = shutil.which(name)
    if found:
        return found
    for folder in _SBIN:
        candidate = Path(folder) / name
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    return None


def missing_tools() -> tuple[str, ...]:
    """Which of knotd / unbound are not installed."""
    return tuple(t for t in TOOLS if find_tool(t) is None)


def free_port() -> int:
    """A loopback port free for both UDP and TCP right now (bind to port 0, then check)."""
    for _ in range(50):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as tcp:
            tcp.bind((HOST, 0))
            port = int(tcp.getsockname()[1])
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
                try:
                    udp.bind((HOST, port))
                except OSError:
                    continue
                return port
    raise LabDnsError("no free loopback port found")


def zone_files(zone_dirs: Sequence[Path]) -> dict[str, Path]:
    """Zone name -> zone file, for every ``NAME.zone`` in the folders (later folders win)."""
    zones: dict[str, Path] = {}
    for folder in zone_dirs:
        for path in sorted(folder.glob("*.zone")):
            zones[path.name.removesuffix(".zone")] = path.resolve()
    return zones


def knot_conf(zones: Mapping[str, Path], port: int, rundir: Path) -> str:
    """A knotd configuration serving ``zones`` on HOST@port, all state under ``rundir``."""
    lines = [
        "server:",
        f"    listen: {HOST}@{port}",
        f'    rundir: "{rundir}"',
        "database:",
        f'    storage: "{rundir}"',
        "log:",
        "  - target: stderr",
        "    any: info",
        "zone:",
    ]
    for name, path in zones.items():
        lines += [f"  - domain: {name}", f'    file: "{path}"', "    zonefile-sync: -1"]
    return "\n".join(lines) + "\n"


def unbound_conf(port: int, rundir: Path, stubs: Mapping[str, tuple[str, int]]) -> str:
    """An Unbound configuration: recursion for the stub zones only, nothing to the internet.

    ``local-zone: "." static`` answers every other name locally; each stub zone is made
    ``transparent`` so it is resolved through its stub. Only the iterator module runs: no
    DNSSEC validation (the lab zones are unsigned).
    """
    lines = [
        "server:",
        f"  interface: {HOST}",
        f"  port: {port}",
        "  do-daemonize: no",
        "  use-syslog: no",
        '  logfile: ""',
        '  username: ""',
        '  chroot: ""',
        f'  directory: "{rundir}"',
        f'  pidfile: "{rundir}/unbound.pid"',
        "  num-threads: 1",
        "  do-ip6: no",
        "  do-not-query-localhost: no",
        "  access-control: 127.0.0.0/8 allow",
        '  module-config: "iterator"',
        "  verbosity: 1",
        '  local-zone: "." static',
    ]
    lines += [f'  local-zone: "{name}." transparent' for name in stubs]
    for name, (addr, stub_port) in stubs.items():
        lines += ["stub-zone:", f'  name: "{name}."', f"  stub-addr: {addr}@{stub_port}"]
    return "\n".join(lines) + "\n"


def _answers(port: int, qname: str) -> bool:
    """True when a DNS server on HOST@port gives a NOERROR answer to an SOA query."""
    query = dns.message.make_query(qname, "SOA")
    try:
        response = dns.query.udp(query, HOST, port=port, timeout=0.3)
    except (OSError, dns.exception.DNSException):
        return False
    return response.rcode() == dns.rcode.NOERROR and bool(response.answer)


def _stop(proc: subprocess.Popen[bytes] | None) -> None:
    if proc is None or proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=5)


@dataclass
class LabDns:
    """The running pair. ``port`` is Unbound (recursive), ``auth_port`` is Knot."""

    host: str
    port: int
    auth_port: int
    workdir: Path
    zones: tuple[str, ...]
    knot: subprocess.Popen[bytes] | None = field(default=None, repr=False)
    unbound: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    @property
    def nameservers(self) -> tuple[tuple[str, int], ...]:
        """The recursive server as a LiveResolver ``nameservers`` argument."""
        return ((self.host, self.port),)

    def logs(self) -> str:
        """Both servers' logs, for failure messages."""
        out = []
        for name in ("knot.log", "unbound.log"):
            path = self.workdir / name
            text = path.read_text(errors="replace") if path.exists() else "(no log)"
            out.append(f"--- {name} ---\n{text[-4000:]}")
        return "\n".join(out)

    def stop(self) -> None:
        """Stop Unbound, then Knot, by their PIDs (terminate, then kill after 5 s)."""
        _stop(self.unbound)
        _stop(self.knot)


def _start_once(
    zones: Mapping[str, Path],
    workdir: Path,
    extra_stubs: Mapping[str, tuple[str, int]],
    wait_s: float,
    probe: str,
) -> LabDns:
    auth_port, port = free_port(), free_port()
    while port == auth_port:
        port = free_port()
    knotd, unbound = find_tool("knotd"), find_tool("unbound")
    if knotd is None or unbound is None:
        raise LabDnsError(f"missing DNS servers: {', '.join(missing_tools())}")
    (workdir / "knot.conf").write_text(knot_conf(zones, auth_port, workdir))
    stubs = dict.fromkeys(zones, (HOST, auth_port)) | dict(extra_stubs)
    (workdir / "unbound.conf").write_text(unbound_conf(port, workdir, stubs))
    lab = LabDns(HOST, port, auth_port, workdir, tuple(zones))
    with open(workdir / "knot.log", "wb") as klog:
        lab.knot = subprocess.Popen(
            [knotd, "-c", str(workdir / "knot.conf")],
            stdout=klog,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
    with open(workdir / "unbound.log", "wb") as ulog:
        lab.unbound = subprocess.Popen(
            [unbound, "-d", "-c", str(workdir / "unbound.conf")],
            stdout=ulog,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
    end = time.monotonic() + wait_s
    while time.monotonic() < end:
        if lab.knot.poll() is not None or lab.unbound.poll() is not None:
            break
        if _answers(auth_port, probe) and _answers(port, probe):
            return lab
        time.sleep(0.05)
    lab.stop()
    raise LabDnsError(f"lab DNS did not start (ports {auth_port}, {port})\n{lab.logs()}")


def start_lab_dns(
    zone_dirs: Sequence[Path],
    workdir: Path,
    *,
    extra_stubs: Mapping[str, tuple[str, int]] | None = None,
    attempts: int = 3,
    wait_s: float = 15.0,
    probe: str | None = None,
) -> LabDns:
    """Start Knot serving every zone in ``zone_dirs`` and Unbound in front of it.

    Ports are picked free on loopback; a start that fails (a port taken in between) is
    retried on new ports. Returns once both servers answer NOERROR to an SOA query for
    ``probe`` (default: the first zone).
    ``extra_stubs`` adds Unbound stub zones pointing elsewhere (e.g. at a dead port).
    """
    zones = zone_files(zone_dirs)
    if not zones:
        raise LabDnsError(f"no *.zone files in {', '.join(map(str, zone_dirs))}")
    error: LabDnsError | None = None
    for attempt in range(attempts):
        run = workdir / f"run{attempt}"
        run.mkdir(parents=True, exist_ok=True)
        try:
            return _start_once(zones, run, extra_stubs or {}, wait_s, probe or next(iter(zones)))
        except LabDnsError as exc:
            error = exc
    assert error is not None
    raise error


class SilentUdpPort:
    """A bound loopback UDP socket that reads nothing and never replies: queries time out."""

    def __init__(self) -> None:
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self._sock.bind((HOST, 0))
        self.host = HOST
        self.port = int(self._sock.getsockname()[1])

    def close(self) -> None:
        """Release the port."""
        self._sock.close()

    def __enter__(self) -> SilentUdpPort:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class UdpRelay:
    """A loopback UDP relay to ``upstream`` that delays each query by ``delay`` seconds.

    It keeps the queries clients send (``sent``, with their arrival times in ``arrived``), so
    a test can see real packets rather than trusting the resolver's own log. Runs in a
    thread; ``close()`` stops it.
    """

    def __init__(self, upstream: tuple[str, int], delay: float = 0.0) -> None:
        self.upstream = upstream
        self.delay = delay
        self.sent: list[bytes] = []
        self.arrived: list[float] = []  # time.monotonic() when each of ``sent`` arrived
        self._lock = threading.Lock()
        self._listen = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self._listen.bind((HOST, 0))
        self._listen.setblocking(False)
        self.host = HOST
        self.port = int(self._listen.getsockname()[1])
        self._sel = selectors.DefaultSelector()
        self._sel.register(self._listen, selectors.EVENT_READ, None)
        self._pending: list[tuple[float, int, socket.socket, bytes]] = []
        self._seq = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="udp-relay", daemon=True)
        self._thread.start()

    @property
    def count(self) -> int:
        """How many queries the clients sent through the relay."""
        with self._lock:
            return len(self.sent)

    def questions(self) -> list[tuple[float, str, str]]:
        """(arrival time, name, type) of each query received, in arrival order; names are
        lower-case without the final dot."""
        with self._lock:
            packets = list(zip(self.arrived, self.sent, strict=True))
        out = []
        for when, wire in packets:
            q = dns.message.from_wire(wire).question[0]
            out.append((when, q.name.to_text(omit_final_dot=True).lower(), rdtype_text(q.rdtype)))
        return out

    def _run(self) -> None:
        up_socks: list[socket.socket] = []
        while not self._stop.is_set():
            now = time.monotonic()
            while self._pending and self._pending[0][0] <= now:
                _, _, up, data = heapq.heappop(self._pending)
                with contextlib.suppress(OSError):
                    up.sendto(data, self.upstream)
            timeout = 0.05
            if self._pending:
                timeout = max(0.0, min(timeout, self._pending[0][0] - now))
            for key, _ in self._sel.select(timeout):
                sock = key.fileobj
                assert isinstance(sock, socket.socket)
                try:
                    data, addr = sock.recvfrom(65535)
                except OSError:
                    continue
                if key.data is None:  # a client query: one upstream socket per client port
                    with self._lock:
                        self.sent.append(data)
                        self.arrived.append(time.monotonic())
                    up = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                    up.bind((HOST, 0))
                    up.setblocking(False)
                    up_socks.append(up)
                    self._sel.register(up, selectors.EVENT_READ, addr)
                    self._seq += 1
                    due = time.monotonic() + self.delay
                    heapq.heappush(self._pending, (due, self._seq, up, data))
                else:  # an upstream answer: back to the client it belongs to
                    with contextlib.suppress(OSError):
                        self._listen.sendto(data, key.data)
        for up in up_socks:
            up.close()

    def close(self) -> None:
        """Stop the thread and close every socket."""
        self._stop.set()
        self._thread.join(timeout=5)
        self._sel.close()
        self._listen.close()

    def __enter__(self) -> UdpRelay:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
