"""headerlens benchmark against its peers: one command, writes bench/RESULTS.md.

``python bench/run.py [--delay 0.025] [--rounds 7]`` installs the peers if missing (mailauth with
npm into bench/node, mail-parser with pip), starts the lab DNS (Knot behind Unbound, as the tests
do) plus bench/dnsproxy.py in front of Unbound, runs the four measurements of issue 5 (each tool
warmed up once, then ``rounds`` times, alternating which tool goes first) and writes the report.
Servers are stopped by PID on the way out.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
import tomllib
from pathlib import Path
from typing import IO, Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path[:0] = [str(ROOT), str(BENCH)]

from depth import lookup_depth, observed_rounds  # noqa: E402
from dnsproxy import control  # noqa: E402
from results import machine, write_results  # noqa: E402
from runstore import keep_run  # noqa: E402

from tests.dnslab import LAB_ZONES, start_lab_dns  # noqa: E402

NODE_DIR = BENCH / "node"
WORK = BENCH / "work"  # generated messages, keys, server state (gitignored)
INSTALL = WORK / "venv"  # headerlens installed as a user installs it (whole-process runs)
HEADERLENS = [str(INSTALL / "bin" / "headerlens")]
LAB_MESSAGES = ROOT / "tests" / "data" / "lab" / "messages"  # a copy of ../shared/lab/messages
SHARED = ROOT.parent / "shared"
EOP_MESSAGE = LAB_MESSAGES / "shared-eop-to-gmail-pass.eml"


def log(msg: str) -> None:
    """Progress on stderr."""
    print(f"[bench] {msg}", file=sys.stderr, flush=True)


def compile_sources() -> None:
    """Byte-compile the checkout, as pip does for an installed wheel: the console runs from the
    development (editable) install, and with PYTHONDONTWRITEBYTECODE=1 every module edited since
    the last compile would be compiled again from source on every start."""
    log("byte-compiling the headerlens sources (as pip does for an installed wheel)")
    with (ROOT / "pyproject.toml").open("rb") as f:
        folders = sorted(set(tomllib.load(f)["tool"]["setuptools"]["package-dir"].values()))
    subprocess.run([sys.executable, "-m", "compileall", "-q", *folders], cwd=ROOT, check=True)


def setup() -> None:
    """Install what is missing: Knot and Unbound (apt, as scripts/test.sh does), mailauth (npm,
    pinned undici), mail-parser (pip), and headerlens itself into bench/work/venv."""
    if not all(shutil.which(tool) for tool in ("knotd", "unbound", "knotc")):
        log("apt-get install knot unbound (the lab DNS)")
        subprocess.run(["apt-get", "update", "-qq"], check=True)
        subprocess.run(
            ["apt-get", "install", "-y", "-qq", "knot", "unbound", "knot-dnsutils"],
            check=True,
            env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
        )
    if not (NODE_DIR / "node_modules" / "mailauth").is_dir():
        log("npm install (mailauth) into bench/node")
        subprocess.run(["npm", "install", "--no-audit", "--no-fund"], cwd=NODE_DIR, check=True)
    compile_sources()
    if importlib.util.find_spec("mailparser") is None:
        log("pip install mail-parser (benchmark only, not a project dependency)")
        subprocess.run([sys.executable, "-m", "pip", "install", "mail-parser"], check=True)
    # The whole-process runs measure headerlens as the README installs it (`pip install .`, a
    # regular install with byte-compiled modules), not a development checkout: an editable
    # install adds its import hook (~15 ms) to every start.
    if not (INSTALL / "bin" / "headerlens").exists():
        log(f"creating {INSTALL} and installing headerlens with its dependencies")
        subprocess.run([sys.executable, "-m", "venv", str(INSTALL)], check=True)
        subprocess.run([str(INSTALL / "bin" / "pip"), "install", "-q", str(ROOT)], check=True)
    log("installing the current headerlens sources into the benchmark's environment")
    subprocess.run(
        [
            str(INSTALL / "bin" / "pip"),
            "install",
            "-q",
            "--no-deps",
            "--force-reinstall",
            str(ROOT),
        ],
        check=True,
    )


class Proxy:
    """bench/dnsproxy.py as a child process."""

    def __init__(self, upstream: tuple[str, int], delay: float) -> None:
        self.proc = subprocess.Popen(
            [
                sys.executable,
                str(BENCH / "dnsproxy.py"),
                "--upstream",
                f"{upstream[0]}:{upstream[1]}",
                "--delay",
                str(delay),
            ],
            stdout=subprocess.PIPE,
            stderr=open(WORK / "dnsproxy.log", "w"),  # noqa: SIM115 - closed with the process
            text=True,
        )
        assert self.proc.stdout is not None
        ready = self.proc.stdout.readline().split()
        if not ready or ready[0] != "READY":
            self.stop()
            raise RuntimeError("the DNS proxy did not start")
        self.port, self.ctl = int(ready[1]), int(ready[2])

    def reset(self) -> None:
        control(self.ctl, "reset")

    def dump(self) -> list[list[Any]]:
        return list(json.loads(control(self.ctl, "dump")))

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=5)


class Worker:
    """A persistent JSON-lines worker process (headerlens or mailauth in-process side)."""

    def __init__(self, argv: list[str], cwd: Path = ROOT) -> None:
        self.proc = subprocess.Popen(
            argv, cwd=cwd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )

    def ask(self, request: dict[str, Any]) -> dict[str, Any]:
        stdin: IO[str] | None = self.proc.stdin
        assert stdin is not None and self.proc.stdout is not None
        stdin.write(json.dumps(request) + "\n")
        stdin.flush()
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError(f"worker {self.proc.args!r} died")
        return dict(json.loads(line))

    def stop(self) -> None:
        if self.proc.stdin is not None:
            self.proc.stdin.close()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def _order(i: int, tools: list[str]) -> list[str]:
    return tools if i % 2 == 0 else list(reversed(tools))


def _dns(proxy: Proxy, delay: float) -> tuple[int, int, list[str]]:
    entries = proxy.dump()
    return (
        len(entries),
        observed_rounds((e[0] for e in entries), delay),
        [f"{e[1]} {e[2]}" for e in entries],
    )


def live_in_process(proxy: Proxy, delay: float, rounds: int) -> dict[str, Any]:
    """Measurement 1a: analyse + verify (headerlens) vs authenticate() (mailauth), per message."""
    messages = sorted(LAB_MESSAGES.iterdir())
    hl = Worker([sys.executable, str(BENCH / "hl_worker.py")])
    ma = Worker(["node", str(NODE_DIR / "worker.js")])
    out: dict[str, Any] = {}
    try:
        for msg in messages:
            out[msg.name] = {"headerlens": [], "mailauth": []}
        ident: dict[str, dict[str, Any]] = {}
        for i in range(rounds + 1):  # round 0 is the warm-up
            for msg in messages:
                for tool in _order(i, ["headerlens", "mailauth"]):
                    proxy.reset()
                    if tool == "headerlens":
                        res = hl.ask({"file": str(msg), "port": proxy.port})
                        ident.setdefault(msg.name, res)
                    else:
                        idn = ident[msg.name].get("identity", {})
                        res = ma.ask(
                            {
                                "file": str(msg),
                                "port": proxy.port,
                                "ip": idn.get("ip"),
                                "helo": idn.get("helo"),
                                "sender": idn.get("mail_from"),
                            }
                        )
                    count, seen_rounds, names = _dns(proxy, delay)
                    res.update(queries=count, rounds=seen_rounds, names=names)
                    if i > 0:
                        out[msg.name][tool].append(res)
            log(f"live in-process round {i}/{rounds} done")
    finally:
        hl.stop()
        ma.stop()
    for name, runs in out.items():
        first = ident[name]
        runs["depth"] = lookup_depth(first.get("dns_log", []), first["identity"]["ip"])
        runs["identity"] = first["identity"]
    return out


def live_whole_process(
    proxy: Proxy, delay: float, rounds: int, identities: dict[str, Any]
) -> dict[str, Any]:
    """Measurement 1b: `python -m headerlens report --format json` vs `node bench/node/cli.js`."""
    messages = sorted(LAB_MESSAGES.iterdir())
    out: dict[str, Any] = {m.name: {"headerlens": [], "mailauth": []} for m in messages}
    for i in range(rounds + 1):
        for msg in messages:
            idn = identities[msg.name]
            for tool in _order(i, ["headerlens", "mailauth"]):
                if tool == "headerlens":
                    argv = [
                        *HEADERLENS,
                        "report",
                        "--format",
                        "json",
                        "--resolver",
                        f"127.0.0.1:{proxy.port}",
                        str(msg),
                    ]
                else:
                    argv = [
                        "node",
                        str(NODE_DIR / "cli.js"),
                        str(msg),
                        str(proxy.port),
                        idn.get("ip") or "",
                        idn.get("helo") or "",
                        idn.get("mail_from") or "",
                    ]
                proxy.reset()
                t0 = time.perf_counter()
                done = subprocess.run(argv, cwd=WORK, capture_output=True, check=False)
                ms = (time.perf_counter() - t0) * 1000
                count = len(proxy.dump())
                if i > 0:
                    out[msg.name][tool].append({"ms": ms, "rc": done.returncode, "queries": count})
        log(f"whole-process round {i}/{rounds} done")
    return out


def startup_imports() -> dict[str, Any]:
    """What the headless report path imports (it must not import Textual), from -X importtime."""
    t = subprocess.run(
        [
            str(INSTALL / "bin" / "python"),
            "-X",
            "importtime",
            *HEADERLENS,
            "report",
            "--offline",
            "--format",
            "json",
            str(EOP_MESSAGE),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    rows: list[tuple[int, str]] = []
    for line in t.stderr.splitlines():
        parts = line.split("|")
        if len(parts) == 3 and parts[1].strip().isdigit():
            rows.append((int(parts[1].strip()), parts[2].rstrip()))
    tops = {name.strip().split(".")[0] for _, name in rows}
    roots = sorted((r for r in rows if not r[1].startswith("  ")), reverse=True)
    return {
        "textual": "textual" in tops,
        "rich": "rich" in tops,
        "total_ms": sum(us for us, _ in roots) / 1000,
        "top_cumulative": [(us / 1000, name.strip()) for us, name in roots[:8]],
    }


def corpus_files() -> list[Path]:
    """Every message in ../shared/corpus (*.eml, *.txt; not the DKIM zone file) and the lab."""
    files: list[Path] = []
    if SHARED.is_dir():
        for path in sorted((SHARED / "corpus").rglob("*")):
            if path.suffix in (".eml", ".txt") and "zonefile" not in path.name:
                files.append(path)
    return files + sorted(LAB_MESSAGES.iterdir())


def offline(rounds: int) -> dict[str, Any]:
    """Measurement 2, in its own process (bench/offline.py)."""
    files = corpus_files()
    done = subprocess.run(
        [sys.executable, str(BENCH / "offline.py"), str(rounds), *map(str, files)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return dict(json.loads(done.stdout))


def big_message(proxy: Proxy, big: Path, rounds: int) -> dict[str, Any]:
    """Measurement 3: each run in a fresh process (peak RSS is per process)."""
    runs: list[dict[str, Any]] = []
    node: list[dict[str, Any]] = []
    for i in range(rounds + 1):
        for tool in _order(i, ["headerlens", "mailauth"]):
            if tool == "headerlens":
                argv = [
                    sys.executable,
                    str(BENCH / "bigmsg.py"),
                    "measure",
                    str(big),
                    str(proxy.port),
                ]
            else:
                argv = ["node", str(NODE_DIR / "big.js"), str(big), str(proxy.port)]
            done = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, check=True)
            if i > 0:
                (runs if tool == "headerlens" else node).append(json.loads(done.stdout))
        log(f"25 MB round {i}/{rounds} done")
    return {"headerlens": runs, "mailauth": node, "bytes": big.stat().st_size}


def console(proxy: Proxy, hops300: Path, rounds: int) -> dict[str, Any]:
    """Measurement 4: fresh process per run, alternating the two messages."""
    out: dict[str, list[dict[str, Any]]] = {"eop": [], "hops300": [], "bare": [], "layout": []}
    files = {"eop": EOP_MESSAGE, "hops300": hops300}
    for i in range(rounds + 1):
        for key in _order(i, ["bare", "layout", "eop", "hops300"]):
            args = [str(files[key]), str(proxy.port)] if key in files else [f"--{key}"]
            spawn = time.time()
            done = subprocess.run(
                [sys.executable, str(BENCH / "console.py"), *args],
                cwd=ROOT,
                capture_output=True,
                text=True,
                check=True,
            )
            res = json.loads(done.stdout)
            res["launch_to_render_ms"] = (res["render_wall"] - spawn) * 1000
            if "verdicts_wall" in res:
                res["launch_to_verdicts_ms"] = (res["verdicts_wall"] - spawn) * 1000
            if i > 0:
                out[key].append(res)
        log(f"console round {i}/{rounds} done")
    return out


def _messages_and_lab() -> tuple[Path, Path, Any]:
    """The generated inputs (the big message, the 300-hop message) and the lab DNS serving the
    lab zones plus the big message's zones; the same for a full run and a console-only run."""
    from bigmsg import generate
    from console import make_hops

    WORK.mkdir(exist_ok=True)
    big, big_zones = generate(WORK / "big")
    hops300 = make_hops(WORK / "hops300.eml")
    dnsdir = WORK / "dns"
    shutil.rmtree(dnsdir, ignore_errors=True)
    dnsdir.mkdir()
    return big, hops300, start_lab_dns([LAB_ZONES, big_zones], dnsdir)


def console_only(delay: float, rounds: int, output: Path) -> None:
    """Measurement 4 alone (same lab DNS, proxy and messages as a full run), stored in place of
    the previous one with its own date, command and machine; the rest of the data is kept, and
    the run is added to the stored console runs."""
    stored = BENCH / "results.json"
    data: dict[str, Any] = json.loads(stored.read_text(encoding="utf-8"))
    compile_sources()
    _big, hops300, lab = _messages_and_lab()
    proxy: Proxy | None = None
    load = [os.getloadavg()]  # the machine is shared: say how busy it was
    try:
        proxy = Proxy(lab.nameservers[0], delay)
        data["console"] = console(proxy, hops300, rounds)
        load.append(os.getloadavg())
    finally:
        if proxy is not None:
            proxy.stop()
        lab.stop()
    data["console_run"] = {
        "date": time.strftime("%Y-%m-%d", time.gmtime()),
        "argv": sys.argv,
        "machine": machine(),
        "delay_ms": delay * 1000,
        "rounds": rounds,
        "load": load,
    }
    keep_run(data, data["console"], rounds, load)
    stored.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n")
    write_results(data, output, argv=data["argv"], env=os.environ.copy())
    log(f"wrote {output}")


def median(values: list[float]) -> float:
    """statistics.median, named for the report code."""
    return float(statistics.median(values))


def main() -> None:
    """Run everything and write bench/RESULTS.md."""
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--delay", type=float, default=0.025, help="seconds per DNS query (25 ms)")
    p.add_argument("--rounds", type=int, default=7, help="measured runs per tool (>= 5)")
    p.add_argument("--output", default=str(BENCH / "RESULTS.md"))
    p.add_argument(
        "--only",
        choices=["console"],
        help="run this measurement alone and replace it in the stored bench/results.json "
        "(its date and command are recorded beside it)",
    )
    a = p.parse_args()
    if a.rounds < 5:
        p.error("--rounds must be at least 5")
    if a.only == "console":
        console_only(a.delay, a.rounds, Path(a.output))
        return
    for tool in ("node", "npm"):
        if shutil.which(tool) is None:
            sys.exit(f"bench: {tool} is not installed")
    setup()
    big, hops300, lab = _messages_and_lab()
    proxy: Proxy | None = None
    try:
        proxy = Proxy(lab.nameservers[0], a.delay)
        log(f"lab DNS: unbound 127.0.0.1:{lab.port}, proxy 127.0.0.1:{proxy.port}")
        data: dict[str, Any] = {
            "date": time.strftime("%Y-%m-%d", time.gmtime()),
            "argv": sys.argv,
            "machine": machine(),
            "delay_ms": a.delay * 1000,
            "rounds": a.rounds,
        }
        data["live"] = live_in_process(proxy, a.delay, a.rounds)
        idents = {name: runs["identity"] for name, runs in data["live"].items()}
        data["whole"] = live_whole_process(proxy, a.delay, a.rounds, idents)
        data["imports"] = startup_imports()
        data["offline"] = offline(a.rounds)
        data["big"] = big_message(proxy, big, a.rounds)
        load = [os.getloadavg()]
        data["console"] = console(proxy, hops300, a.rounds)
        keep_run(data, data["console"], a.rounds, [*load, os.getloadavg()])
    finally:
        if proxy is not None:
            proxy.stop()
        lab.stop()
    (BENCH / "results.json").write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n")
    write_results(data, Path(a.output), argv=sys.argv, env=os.environ.copy())
    log(f"wrote {a.output}")


if __name__ == "__main__":
    main()
