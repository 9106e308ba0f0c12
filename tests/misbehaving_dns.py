"""A real loopback DNS server (UDP and TCP on one port) that misbehaves on purpose, per query name.

Knot and Unbound are well-behaved; the faults a resolver must survive are scripted here with
dnspython's message layer: truncation (RFC 1035 §4.2.1, RFC 7766 §5), answers too big for UDP,
rcodes, silence, spoof-like replies (wrong ID or question, RFC 5452 §4.3), garbage and TCP
connections that close half-way through a message (RFC 7766 §8). Used by tests/test_dnswire.py
and tests/test_dns_misbehaving.py.
"""

from __future__ import annotations

import contextlib
import enum
import selectors
import socket
import struct
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import dns.exception
import dns.flags
import dns.message
import dns.name
import dns.rcode
import dns.rdata
import dns.rdataclass
import dns.rdatatype
import dns.rdtypes.ANY.TXT
import dns.rrset

HOST = "127.0.0.1"
CLASSIC_UDP_SIZE = 512  # RFC 1035 §4.2.1: the UDP limit without EDNS
MAX_STRING = 255  # RFC 1035 §3.3: a character-string has a one-byte length
# Bytes that parse as no DNS message: a header claiming 0xFFFF records of every kind, then junk.
GARBAGE_TAIL = b"\xff\xff\xff\xff\xff\xff\xff\xff\xc0\xff\x3f\x00garbage\x00\x00\x01"


class Udp(enum.Enum):
    """What the server does with a query that came over UDP."""

    ANSWER = "answer"  # the answer, or TC=1 when it is bigger than the client's payload size
    TRUNCATE = "truncate"  # always TC=1 with an empty answer section
    SILENT = "silent"  # read the query, never reply
    GARBAGE = "garbage"  # the query's ID, then bytes that are no DNS message
    WRONG_ID = "wrong-id"  # a spoof-like reply only: the right question under another ID
    WRONG_QUESTION = "wrong-question"  # a spoof-like reply only: right ID, another question
    SPOOF_THEN_ANSWER = "spoof-then-answer"  # both spoofs (carrying ``spoof``), then the answer


class Tcp(enum.Enum):
    """What the server does with a query that came over TCP."""

    ANSWER = "answer"
    SILENT = "silent"  # accept and read, never reply, keep the connection open
    GARBAGE = "garbage"  # a length prefix, then the query's ID and junk
    WRONG_ID = "wrong-id"  # a well-formed answer under another ID
    CLOSE_MID = "close-mid"  # the length prefix and half the message, then close
    RESET = "reset"  # read the query, then abort the connection (RST, as a firewall may)


@dataclass(frozen=True, slots=True)
class Script:
    """The scripted behaviour for one query name.

    ``txt`` holds one tuple of character-strings per TXT record of the answer; ``rcode`` is
    the rcode of genuine answers; ``spoof`` the TXT strings the spoof-like replies carry.
    """

    txt: tuple[tuple[bytes, ...], ...] = ()
    rcode: str = "NOERROR"
    udp: Udp = Udp.ANSWER
    tcp: Tcp = Tcp.ANSWER
    ttl: int = 300
    spoof: tuple[bytes, ...] = (b"v=spf1 +all",)


def txt_strings(text: str | bytes, size: int = MAX_STRING) -> tuple[bytes, ...]:
    """``text`` cut into character-strings of at most ``size`` bytes, as a zone file would."""
    data = text.encode() if isinstance(text, str) else text
    return tuple(data[i : i + size] for i in range(0, len(data), size)) or (b"",)


def _key(name: dns.name.Name) -> str:
    return str(name.to_text(omit_final_dot=True)).lower()


@dataclass
class _Conn:
    sock: socket.socket
    buffer: bytes = b""
    done: bool = False  # answered, or told to stay silent: further bytes are ignored


@dataclass
class MisbehavingDns:
    """UDP and TCP on one free loopback port, answering per ``scripts`` (name -> Script).

        Names without a script get ``default``, or NXDOMAIN when that is None. Every query is kept
        in ``queries`` as (transport, message), and any exception the server itself raised in
    ``errors`` (it keeps serving). Runs in one thread; ``close()`` (or leaving the
        ``with`` block) stops it and closes every socket, including connections held open.
    """

    scripts: Mapping[str, Script] = field(default_factory=dict)
    default: Script | None = None
    queries: list[tuple[str, dns.message.Message]] = field(default_factory=list, init=False)
    errors: list[str] = field(default_factory=list, init=False)

    def __post_init__(self) -> None:
        self.scripts = {k.rstrip(".").lower(): v for k, v in self.scripts.items()}
        self.host = HOST
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._tcp, self._udp = self._bind()
        self.port = int(self._tcp.getsockname()[1])
        self._sel = selectors.DefaultSelector()
        self._sel.register(self._udp, selectors.EVENT_READ, "udp")
        self._sel.register(self._tcp, selectors.EVENT_READ, "listen")
        self._conns: dict[socket.socket, _Conn] = {}
        self._thread = threading.Thread(target=self._run, name="misbehaving-dns", daemon=True)
        self._thread.start()

    @staticmethod
    def _bind() -> tuple[socket.socket, socket.socket]:
        """A TCP listener and a UDP socket on the same free loopback port."""
        for _ in range(50):
            tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            tcp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            tcp.bind((HOST, 0))
            udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            try:
                udp.bind((HOST, tcp.getsockname()[1]))
            except OSError:
                tcp.close()
                udp.close()
                continue
            tcp.listen()
            tcp.setblocking(False)
            udp.setblocking(False)
            return tcp, udp
        raise OSError("no loopback port free for both UDP and TCP")

    @property
    def nameservers(self) -> tuple[tuple[str, int], ...]:
        """This server as a LiveResolver ``nameservers`` argument."""
        return ((self.host, self.port),)

    def asked(self, name: str) -> list[str]:
        """The transports ("udp", "tcp") of the queries received for ``name``, in order."""
        want = name.rstrip(".").lower()
        with self._lock:
            return [t for t, q in self.queries if q.question and _key(q.question[0].name) == want]

    # -- answers ------------------------------------------------------------------------------
    def _script(self, query: dns.message.Message) -> Script | None:
        return self.scripts.get(_key(query.question[0].name), self.default)

    @staticmethod
    def _txt_rrset(
        name: dns.name.Name, ttl: int, records: Iterable[tuple[bytes, ...]]
    ) -> dns.rrset.RRset:
        rrset = dns.rrset.RRset(name, dns.rdataclass.IN, dns.rdatatype.TXT)
        for strings in records:
            rrset.add(dns.rdtypes.ANY.TXT.TXT(dns.rdataclass.IN, dns.rdatatype.TXT, strings), ttl)
        return rrset

    def _response(self, query: dns.message.Message, script: Script | None) -> dns.message.Message:
        response = dns.message.make_response(query)
        response.flags |= dns.flags.AA | dns.flags.RA
        qname = query.question[0].name
        qtype = query.question[0].rdtype
        if script is None or script.rcode != "NOERROR":
            response.set_rcode(dns.rcode.from_text(script.rcode if script else "NXDOMAIN"))
        elif qtype == dns.rdatatype.TXT and script.txt:
            response.answer.append(self._txt_rrset(qname, script.ttl, script.txt))
        if not response.answer and response.rcode() in (dns.rcode.NOERROR, dns.rcode.NXDOMAIN):
            # RFC 2308 §3: negative answers carry the zone's SOA, so they may be cached
            zone = qname.split(3)[1] if len(qname) > 3 else qname
            soa = dns.rdata.from_text("IN", "SOA", f"{zone} {zone} 1 3600 600 86400 60")
            response.authority.append(dns.rrset.from_rdata(zone, 60, soa))
        return response

    def _spoofs(self, query: dns.message.Message, script: Script, which: Udp) -> list[bytes]:
        out = []
        if which in (Udp.WRONG_ID, Udp.SPOOF_THEN_ANSWER):
            forged = self._response(query, Script((script.spoof,)))
            forged.id = (query.id + 1) & 0xFFFF
            out.append(forged.to_wire())
        if which in (Udp.WRONG_QUESTION, Udp.SPOOF_THEN_ANSWER):
            other = dns.message.make_query("spoof." + _key(query.question[0].name), "TXT")
            other.id = query.id
            forged = self._response(other, Script((script.spoof,)))
            out.append(forged.to_wire())
        return out

    @staticmethod
    def _garbage(query: dns.message.Message) -> bytes:
        return query.id.to_bytes(2, "big") + b"\x81\x80" + GARBAGE_TAIL

    def _answer_udp(self, wire: bytes) -> list[bytes]:
        query = self._parse(wire, "udp")
        if query is None:
            return []
        script = self._script(query)
        mode = script.udp if script else Udp.ANSWER
        if mode is Udp.SILENT:
            return []
        if mode is Udp.GARBAGE:
            return [self._garbage(query)]
        assert script is not None or mode is Udp.ANSWER
        if mode in (Udp.WRONG_ID, Udp.WRONG_QUESTION):
            assert script is not None
            return self._spoofs(query, script, mode)
        out = self._spoofs(query, script, mode) if script and mode is Udp.SPOOF_THEN_ANSWER else []
        response = self._response(query, script)
        # RFC 6891 §6.2.5: the client's EDNS payload size, else 512 bytes (RFC 1035 §4.2.1)
        limit = max(CLASSIC_UDP_SIZE, query.payload) if query.edns >= 0 else CLASSIC_UDP_SIZE
        try:
            wire_out = b"" if mode is Udp.TRUNCATE else response.to_wire(max_size=limit)
        except dns.exception.TooBig:
            wire_out = b""
        if not wire_out:  # RFC 2181 §9: too big for UDP, so TC=1 and nothing partial
            response.answer.clear()
            response.authority.clear()
            response.flags |= dns.flags.TC
            wire_out = response.to_wire()
        return [*out, wire_out]

    def _answer_tcp(self, wire: bytes) -> bytes | None:
        """The bytes to send back (length prefix included); None means say nothing, b"" reset."""
        query = self._parse(wire, "tcp")
        if query is None:
            return None
        script = self._script(query)
        mode = script.tcp if script else Tcp.ANSWER
        if mode is Tcp.SILENT:
            return None
        if mode is Tcp.RESET:
            return b""
        if mode is Tcp.GARBAGE:
            junk = self._garbage(query)
            return len(junk).to_bytes(2, "big") + junk
        response = self._response(query, script)
        if mode is Tcp.WRONG_ID:
            response.id = (query.id + 1) & 0xFFFF
        out = response.to_wire(max_size=65535)  # the 2-byte length prefix (RFC 1035 §4.2.2)
        framed = len(out).to_bytes(2, "big") + out
        if mode is Tcp.CLOSE_MID:
            return framed[: 2 + len(out) // 2]
        return framed

    def _parse(self, wire: bytes, transport: str) -> dns.message.Message | None:
        try:
            query = dns.message.from_wire(wire)
        except Exception:  # a client sent junk: a server just drops it
            return None
        if not query.question:
            return None
        with self._lock:
            self.queries.append((transport, query))
        return query

    # -- the loop -----------------------------------------------------------------------------
    def _run(self) -> None:
        while not self._stop.is_set():
            for key, _ in self._sel.select(0.05):
                try:
                    if key.data == "udp":
                        self._on_udp()
                    elif key.data == "listen":
                        self._on_accept()
                    else:
                        self._on_tcp(key.data)
                except Exception as exc:  # a bug in a script: keep serving, let the test see it
                    self.errors.append(f"{type(exc).__name__}: {exc}")

    def _on_udp(self) -> None:
        try:
            wire, peer = self._udp.recvfrom(65535)
        except OSError:
            return
        for datagram in self._answer_udp(wire):
            with contextlib.suppress(OSError):
                self._udp.sendto(datagram, peer)

    def _on_accept(self) -> None:
        try:
            sock, _ = self._tcp.accept()
        except OSError:
            return
        sock.setblocking(False)
        conn = _Conn(sock)
        self._conns[sock] = conn
        self._sel.register(sock, selectors.EVENT_READ, conn)

    def _drop(self, conn: _Conn) -> None:
        self._conns.pop(conn.sock, None)
        with contextlib.suppress(KeyError, ValueError):
            self._sel.unregister(conn.sock)
        conn.sock.close()

    def _on_tcp(self, conn: _Conn) -> None:
        try:
            data = conn.sock.recv(65537)
        except OSError:
            data = b""
        if not data:  # the client closed
            self._drop(conn)
            return
        if conn.done:
            return
        conn.buffer += data
        if len(conn.buffer) < 2:
            return
        size = int.from_bytes(conn.buffer[:2], "big")
        if len(conn.buffer) < 2 + size:
            return
        conn.done = True
        out = self._answer_tcp(conn.buffer[2 : 2 + size])
        if out is None:
            return  # silent: hold the connection open until the client gives up
        if out == b"":  # reset: SO_LINGER with a zero timeout makes close() send RST
            conn.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self._drop(conn)
            return
        conn.sock.setblocking(True)
        conn.sock.settimeout(2.0)
        with contextlib.suppress(OSError):
            conn.sock.sendall(out)
        self._drop(conn)

    def close(self) -> None:
        """Stop the thread, then close every socket it used."""
        self._stop.set()
        self._thread.join(timeout=5)
        for conn in list(self._conns.values()):
            self._drop(conn)
        self._sel.close()
        self._tcp.close()
        self._udp.close()

    def __enter__(self) -> MisbehavingDns:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
