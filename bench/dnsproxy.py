"""Benchmark DNS proxy: delays every query by a fixed time and logs each one (UDP and TCP).

Run as its own process so its work never competes with a measured tool for the GIL:
``python bench/dnsproxy.py --upstream 127.0.0.1:PORT --delay 0.025``. It prints
``READY <dns_port> <control_port>`` once listening. The control port (TCP, loopback) takes one
line per connection: ``reset`` clears the log, ``dump`` returns the log as JSON (one entry per
query received: seconds since the last reset, name, type, transport).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import struct
import sys
import time
from typing import cast

import dns.exception
import dns.message
import dns.rdatatype

HOST = "127.0.0.1"


class Log:
    """Every query the clients sent since the last reset."""

    def __init__(self) -> None:
        self.t0 = time.monotonic()
        self.entries: list[tuple[float, str, str, str]] = []

    def add(self, wire: bytes, proto: str) -> None:
        try:
            q = dns.message.from_wire(wire).question[0]
            name, rdtype = q.name.to_text(omit_final_dot=True), dns.rdatatype.to_text(q.rdtype)
        except (dns.exception.DNSException, IndexError, ValueError):
            name, rdtype = "?", "?"
        self.entries.append((time.monotonic() - self.t0, name.lower(), rdtype, proto))

    def reset(self) -> None:
        self.t0 = time.monotonic()
        self.entries = []


class _Upstream(asyncio.DatagramProtocol):
    """One upstream UDP exchange: the first answer goes back to the client."""

    def __init__(self, reply: asyncio.DatagramTransport, client: tuple[str, int]) -> None:
        self.reply, self.client = reply, client
        self.transport: asyncio.DatagramTransport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.DatagramTransport, transport)

    def datagram_received(self, data: bytes, addr: tuple[str | int, ...]) -> None:
        with contextlib.suppress(OSError):
            self.reply.sendto(data, self.client)
        if self.transport is not None:
            self.transport.close()


class _Front(asyncio.DatagramProtocol):
    def __init__(self, log: Log, upstream: tuple[str, int], delay: float) -> None:
        self.log, self.upstream, self.delay = log, upstream, delay
        self.transport: asyncio.DatagramTransport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.DatagramTransport, transport)

    def datagram_received(self, data: bytes, addr: tuple[str | int, ...]) -> None:
        self.log.add(data, "udp")
        client = (str(addr[0]), int(addr[1]))
        asyncio.get_running_loop().call_later(
            self.delay, lambda: asyncio.ensure_future(self._forward(data, client))
        )

    async def _forward(self, data: bytes, client: tuple[str, int]) -> None:
        assert self.transport is not None
        loop = asyncio.get_running_loop()
        transport, _ = await loop.create_datagram_endpoint(
            lambda: _Upstream(self.transport, client),  # type: ignore[arg-type]
            remote_addr=self.upstream,
        )
        transport.sendto(data)
        loop.call_later(10.0, transport.close)  # a lost answer: the client retries


async def _tcp_client(
    reader: asyncio.StreamReader,
    writer: asyncio.StreamWriter,
    log: Log,
    upstream: tuple[str, int],
    delay: float,
) -> None:
    """DNS over TCP (RFC 7766): length-prefixed messages, each delayed and forwarded."""
    try:
        while True:
            size = struct.unpack("!H", await reader.readexactly(2))[0]
            data = await reader.readexactly(size)
            log.add(data, "tcp")
            await asyncio.sleep(delay)
            up_r, up_w = await asyncio.open_connection(*upstream)
            up_w.write(struct.pack("!H", len(data)) + data)
            await up_w.drain()
            rsize = struct.unpack("!H", await up_r.readexactly(2))[0]
            answer = await up_r.readexactly(rsize)
            up_w.close()
            writer.write(struct.pack("!H", len(answer)) + answer)
            await writer.drain()
    except (asyncio.IncompleteReadError, ConnectionError):
        pass
    finally:
        writer.close()


async def _control(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, log: Log) -> None:
    line = (await reader.readline()).decode().strip()
    if line == "reset":
        log.reset()
        writer.write(b"ok\n")
    elif line == "dump":
        writer.write(json.dumps(log.entries).encode() + b"\n")
    else:
        writer.write(b"error\n")
    await writer.drain()
    writer.close()


async def serve(upstream: tuple[str, int], delay: float) -> None:
    """Listen on free loopback ports, print them, and serve until killed."""
    log = Log()
    loop = asyncio.get_running_loop()
    udp, _ = await loop.create_datagram_endpoint(
        lambda: _Front(log, upstream, delay), local_addr=(HOST, 0)
    )
    port = int(udp.get_extra_info("sockname")[1])
    tcp = await asyncio.start_server(
        lambda r, w: _tcp_client(r, w, log, upstream, delay), HOST, port
    )
    ctl = await asyncio.start_server(lambda r, w: _control(r, w, log), HOST, 0)
    ctl_port = int(ctl.sockets[0].getsockname()[1])
    print(f"READY {port} {ctl_port}", flush=True)
    async with tcp, ctl:
        await asyncio.Event().wait()


def control(ctl_port: int, command: str) -> str:
    """Send one control command to a running proxy and return its answer line."""
    import socket

    with socket.create_connection((HOST, ctl_port), timeout=5) as s:
        s.sendall(command.encode() + b"\n")
        chunks = []
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            chunks.append(chunk)
    return b"".join(chunks).decode().strip()


def main() -> None:
    """Command line entry point."""
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--upstream", required=True, help="HOST:PORT of the recursive server")
    p.add_argument("--delay", type=float, default=0.025, help="seconds added to every query")
    a = p.parse_args()
    host, _, port = a.upstream.rpartition(":")
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve((host, int(port)), a.delay))
    sys.exit(0)


if __name__ == "__main__":
    main()
