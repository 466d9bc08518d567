#!/usr/bin/env python3
"""Abusive clients for scripts/abuse-test.sh (stdlib only, loopback only), with a /health prober beside them.

    abuse-clients.py CASE PORT SECONDS
    abuse-clients.py row CASE_JSON_FILE REQS_PER_S BAD PEAK_RSS      (a table row for abuse-test.sh)

CASE: quiet, slow-headers, slow-bodies, one-address, bombs, oversized, malformed, foreign-host. Runs CASE for SECONDS
while probing GET /health every 50 ms on a new connection, then prints one JSON line: requests (abusive requests or
connections made), codes (their answers by HTTP status; "closed" = cut off without an answer, "reset" = connection
reset), health_p99_ms and health_failures.
"""
import json
import multiprocessing
import select
import socket
import struct
import sys
import threading
import time
import urllib.error
import urllib.request
import zlib
from collections import Counter

HOST = "127.0.0.1"
lock = threading.Lock()
codes = Counter()
requests = [0]


def count(code):
    with lock:
        codes[str(code)] += 1


def made():
    with lock:
        requests[0] += 1


def status_of(data):
    """The status code of an HTTP/1.1 answer's first bytes, or 'closed' when there are none."""
    if not data:
        return "closed"
    try:
        return int(data.split(b" ", 2)[1])
    except (IndexError, ValueError):
        return "garbage"


def read_answer(s, timeout=15):
    s.settimeout(timeout)
    data = b""
    try:
        while b"\r\n\r\n" not in data:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
    except ConnectionResetError:
        return "reset"
    except socket.timeout:
        return "timeout"
    return status_of(data)


def connect(port, source=HOST, timeout=5):
    return socket.create_connection((HOST, port), timeout=timeout, source_address=(source, 0))


def prober(port, until, results):
    """In its own process, so that the abusive clients' work (and Python's GIL) does not delay its requests."""
    latencies, failures = [], [0]
    while time.time() < until:
        t = time.perf_counter()
        try:
            with connect(port) as s:
                s.sendall(b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                ok = read_answer(s, 5) == 200
        except OSError:
            ok = False
        latencies.append((time.perf_counter() - t) * 1000)
        if not ok:
            failures[0] += 1
        time.sleep(0.05)
    results.put((latencies, failures[0]))


def slow(port, until, body, sources, n=64, interval=1.0):
    """n connections from the given addresses, each sending a byte every interval; cut ones are replaced."""
    head = (b"POST /api/predict HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: image/png\r\nContent-Length: 100000\r\n\r\n"
            if body else b"POST /api/predict HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
    socks = [None] * n

    def reopen(i):
        try:
            s = connect(port, sources[i % len(sources)])
            s.sendall(head)
            s.setblocking(False)
            socks[i] = s
            made()
        except OSError:
            socks[i] = None
            count("refused")

    for i in range(n):
        reopen(i)
    while time.time() < until:
        for i, s in enumerate(socks):
            if s is None:
                reopen(i)
                continue
            readable, _, _ = select.select([s], [], [], 0)
            try:
                if readable:
                    data = s.recv(65536)
                    count(status_of(data))
                    s.close()
                    reopen(i)
                    continue
                s.send(b"a")
            except (BlockingIOError, InterruptedError):
                pass
            except OSError:
                count("reset")
                s.close()
                reopen(i)
        time.sleep(interval)
    for s in socks:
        if s is not None:
            s.close()


def one_address(port, until):
    """200 idle connections from one address: beyond the per-address limit they are closed as they open."""
    socks = []
    for _ in range(200):
        try:
            socks.append(connect(port, "127.0.0.10"))
            made()
        except OSError:
            count("refused")
    time.sleep(1)
    for s in socks:
        s.setblocking(False)
        try:
            data = s.recv(1)
            count("closed" if data == b"" else "answered")
        except BlockingIOError:
            count("open")
        except OSError:
            count("reset")
    while time.time() < until:
        time.sleep(0.2)
    for s in socks:
        s.close()


def png_rgba16(width, height):
    """A valid PNG, 16-bit RGBA, all zero: 233 KB on the wire for 30,000,000x1, 240 MB decoded."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    z = zlib.compressobj(9)
    row = b"\0" + bytes(8 * width)
    idat = b"".join(z.compress(row) for _ in range(height)) + z.flush()
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 16, 6, 0, 0, 0))
            + chunk(b"IDAT", idat) + chunk(b"IEND", b""))


def post(port, body, ctype="image/png", timeout=30):
    req = urllib.request.Request(f"http://{HOST}:{port}/api/predict", data=body, method="POST",
                                 headers={"Content-Type": ctype})
    made()
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            r.read()
            count(r.status)
    except urllib.error.HTTPError as e:
        e.read()
        count(e.code)
    except (ConnectionResetError, BrokenPipeError):
        count("reset")
    except (urllib.error.URLError, OSError):
        count("error")


BOMB = []


def bombs(port, until):
    bomb = BOMB[0]

    def loop():
        while time.time() < until:
            post(port, bomb)
    threads = [threading.Thread(target=loop) for _ in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def oversized(port, until):
    body = bytes(11 << 20)
    while time.time() < until:
        post(port, body)  # urllib sends it all, then reads: it must see the 413, not a reset
        with connect(port) as s:
            s.sendall(b"POST /api/predict HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: image/png\r\n"
                      b"Expect: 100-continue\r\nContent-Length: 11534336\r\n\r\n")
            made()
            count(read_answer(s))


MALFORMED = [
    b"GARBAGE\r\n\r\n",
    b"GET / HTTP/9.9\r\nHost: 127.0.0.1\r\n\r\n",
    b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + b"a" * 20000 + b"\r\n\r\n",
    b"POST /api/predict HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: image/png\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
    b"POST /api/predict HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 12\r\n\r\n{\"pixels\": [",
    b"POST /api/predict HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: image/png\r\nContent-Length: 40\r\n\r\n\x89PNG\r\n\x1a\n" + b"\0" * 32,
    b"POST /api/predict HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nhi",
    b"POST /api/predict HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nhi",
    b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + b"\0" * 64,  # a TLS hello
]


def malformed(port, until):
    while time.time() < until:
        for raw in MALFORMED:
            try:
                with connect(port) as s:
                    s.sendall(raw)
                    made()
                    count(read_answer(s, 5))
            except OSError:
                count("reset")


def foreign_host(port, until):
    while time.time() < until:
        for host in (b"evil.example", b"evil.example:%d" % port, b"127.0.0.1.nip.io"):
            with connect(port) as s:
                s.sendall(b"GET /api/model HTTP/1.1\r\nHost: " + host + b"\r\nConnection: close\r\n\r\n")
                made()
                count(read_answer(s, 5))
        time.sleep(0.01)


def row(path, rps, bad, hwm):
    """One Markdown table row of abuse-test.sh from a case's JSON line and the shell's measurements."""
    r = json.load(open(path))
    answers = ", ".join(f"{k}: {v}" for k, v in r["codes"].items()) or "-"
    health = f"{r['health_p99_ms']} ms ({r['health_failures']} failed of {r['health_requests']})"
    print(f"| {r['case']} | {r['requests']} | {answers} | {health} | {rps} ({bad} bad) | {hwm} |")


def main():
    if sys.argv[1] == "row":
        row(*sys.argv[2:6])
        return
    case, port, seconds = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
    if case == "bombs":
        BOMB.append(png_rgba16(30_000_000, 1))  # before the clock starts: it takes Python seconds
    until = time.time() + seconds
    results = multiprocessing.Queue()
    probe = multiprocessing.Process(target=prober, args=(port, until, results))
    probe.start()
    addresses = [f"127.0.0.{i}" for i in range(2, 10)]  # 8 addresses, 8 connections each
    cases = {
        "quiet": lambda: time.sleep(max(0.0, until - time.time())),
        "slow-headers": lambda: slow(port, until, False, addresses),
        "slow-bodies": lambda: slow(port, until, True, addresses),
        "one-address": lambda: one_address(port, until),
        "bombs": lambda: bombs(port, until),
        "oversized": lambda: oversized(port, until),
        "malformed": lambda: malformed(port, until),
        "foreign-host": lambda: foreign_host(port, until),
    }
    cases[case]()
    latencies, failures = results.get()
    probe.join()
    latencies.sort()
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] if latencies else float("nan")
    print(json.dumps({"case": case, "requests": requests[0], "codes": dict(sorted(codes.items())),
                      "health_requests": len(latencies), "health_p99_ms": round(p99, 1),
                      "health_failures": failures}))


if __name__ == "__main__":
    main()
