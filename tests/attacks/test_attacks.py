"""Hostile clients against the built server, over TLS on 127.0.0.1.

Every attack checks the server's reaction, that its peak RSS stays under the chart's
256 Mi limit, that its CPU stays bounded, and that a normal review is answered during the
attack and after it (`run_attack`). The HTTP/2 attacks run against `--http2`; the
default server offers HTTP/1.1 only.
"""

import json
import socket
import ssl
import struct
import subprocess
import threading
import time

import pytest

from conftest import MIB, REVIEW, REVIEW_BYTES, big_review, run_attack
from h2raw import (
    CONTINUATION, DATA, END_HEADERS, END_STREAM, ENHANCE_YOUR_CALM, GOAWAY, HEADERS, PING, PRIORITY, PROTOCOL_ERROR,
    REFUSED_STREAM, RST_STREAM, SETTINGS, WINDOW_UPDATE, RawH2, frame, goaway_code, indexed_entry, request_headers,
    settings, static_block,
)

SEVEN_MIB = 7 * MIB


def is_goaway_calm(item):
    return item[0] == GOAWAY and int.from_bytes(item[3][4:8], "big") == ENHANCE_YOUR_CALM


def flood_until_goaway(server, build, count, chunk=500):
    """Sends `count` frames made by `build(i)` in batches until the server ends the
    connection; returns (frames read, frames sent)."""
    conn = RawH2(server)
    sent = 0
    got = []
    try:
        while sent < count:
            batch = b"".join(build(sent + i) for i in range(chunk))
            try:
                conn.send(batch)
            except (OSError, ssl.SSLError):
                break
            sent += chunk
            more, ended = conn.frames(until=lambda f: f[0] == GOAWAY, timeout=0.01)
            got += more
            if ended or any(f[0] == GOAWAY for f in more):
                break
        more, _ = conn.frames(until=lambda f: f[0] == GOAWAY, timeout=3)
        got += more
    finally:
        conn.close()
    return got, sent


# ---- protocol choice -----------------------------------------------------------------------

def test_alpn_offers_only_http1_by_default_and_h2_with_the_flag(serve):
    default = serve()
    sock = default.tls_socket(alpn=("h2", "http/1.1"))
    assert sock.selected_alpn_protocol() == "http/1.1"
    sock.close()
    sock = default.tls_socket(alpn=("h2",))
    assert sock.selected_alpn_protocol() is None
    sock.close()
    with_h2 = serve("--http2")
    sock = with_h2.tls_socket(alpn=("h2", "http/1.1"))
    assert sock.selected_alpn_protocol() == "h2"
    sock.close()


# ---- HTTP/2 floods -------------------------------------------------------------------------

def test_rapid_reset(serve):
    server = serve("--http2")
    encoder_conn = []

    def attack():
        conn = RawH2(server)
        encoder_conn.append(conn)
        sent = 0
        try:
            for batch in range(40):
                data = b""
                for i in range(250):
                    stream = 1 + 2 * sent
                    data += frame(HEADERS, END_HEADERS, stream, conn.encoder.encode(request_headers()))
                    data += frame(RST_STREAM, 0, stream, struct.pack(">I", 8))
                    sent += 1
                conn.send(data)
                frames, ended = conn.frames(until=lambda f: f[0] == GOAWAY, timeout=0.01)
                if ended or goaway_code(frames) is not None:
                    return goaway_code(frames), sent
        except (OSError, ssl.SSLError):
            return "closed", sent
        finally:
            conn.close()
        return None, sent

    code, sent = run_attack(server, "Rapid Reset (CVE-2023-44487): HEADERS + RST_STREAM x10,000",
                            "GOAWAY ENHANCE_YOUR_CALM after 200 resets", attack, cpu_limit=10)
    assert code in (ENHANCE_YOUR_CALM, "closed"), code
    assert sent < 10000, "the connection must end before the flood does"


def test_continuation_flood(serve):
    server = serve("--http2")

    def attack():
        conn = RawH2(server)
        try:
            conn.send(frame(HEADERS, 0, 1, conn.encoder.encode(request_headers())))
            for _ in range(100):
                conn.send(b"".join(frame(CONTINUATION, 0, 1, b"\x40\x01a\x01b") for _ in range(100)))
        except (OSError, ssl.SSLError):
            pass
        frames, ended = conn.frames(until=lambda f: f[0] == GOAWAY, timeout=5)
        conn.close()
        return goaway_code(frames), ended

    code, ended = run_attack(server, "CONTINUATION flood (CVE-2024-27316 class)",
                             "GOAWAY and close after 5 CONTINUATION frames", attack, cpu_limit=10)
    assert code is not None or ended


def test_hpack_bomb(serve):
    server = serve("--http2")

    def attack():
        conn = RawH2(server)
        # One 4 KiB entry in the dynamic table, then referenced 4,000 times (16 MiB decoded
        # from 4 KiB on the wire).
        block = static_block() + indexed_entry(b"bomb", 4000) + b"\xbe" * 4000
        try:
            conn.send(frame(HEADERS, END_HEADERS | END_STREAM, 1, block))
        except (OSError, ssl.SSLError):
            pass
        frames, ended = conn.frames(until=lambda f: f[0] in (GOAWAY, RST_STREAM), timeout=5)
        conn.close()
        return frames, ended

    frames, ended = run_attack(server, "HPACK bomb: a 4 KiB table entry referenced 4,000 times",
                               "refused past the 8 KiB header list (GOAWAY)", attack, cpu_limit=10)
    assert ended or any(f[0] in (GOAWAY, RST_STREAM) for f in frames)
    assert not any(f[0] == HEADERS for f in frames), "a header list past the limit must not be answered"


def test_hpack_near_limit_amplification(serve):
    server = serve("--http2")

    def attack():
        answered = 0
        for _ in range(4):
            conn = RawH2(server)
            streams = []
            data = b""
            for i in range(100):
                stream = 1 + 2 * i
                # A 3,500-byte entry, referenced twice per request: about 7.4 KiB decoded
                # from a few bytes, just under the 8 KiB header list.
                block = static_block(length=len(REVIEW_BYTES))
                block += (indexed_entry(b"near", 3500) if i == 0 else b"\xbe") + b"\xbe"
                data += frame(HEADERS, END_HEADERS, stream, block)
                data += frame(DATA, END_STREAM, stream, REVIEW_BYTES)
                streams.append(stream)
            conn.send(data)
            frames, _ = conn.frames(
                until=lambda f: f[0] == DATA and f[1] & END_STREAM and f[2] == streams[-1], timeout=20)
            answered += sum(1 for f in frames if f[0] == HEADERS)
            conn.close()
        return answered

    answered = run_attack(server, "HPACK near the limit: 400 requests of 7.4 KiB decoded headers",
                          "answered, bounded by the 8 KiB list", attack, cpu_limit=20)
    assert answered == 400


@pytest.mark.parametrize("name,build", [
    ("SETTINGS flood (CVE-2019-9515)", lambda i: settings(initial_window_size=65535)),
    ("PING flood (CVE-2019-9512)", lambda i: frame(PING, 0, 0, struct.pack(">Q", i))),
    ("PRIORITY flood (CVE-2019-9513)", lambda i: frame(PRIORITY, 0, 1 + 2 * i, struct.pack(">IB", 0, 15))),
    ("unknown frame type flood", lambda i: frame(0x42, 0, 0, b"x" * 8)),
    ("WINDOW_UPDATE +1 flood", lambda i: frame(WINDOW_UPDATE, 0, 0, struct.pack(">I", 1))),
])
def test_frame_floods_end_in_enhance_your_calm(serve, name, build):
    server = serve("--http2")
    got, sent = run_attack(server, name, "GOAWAY ENHANCE_YOUR_CALM", lambda: flood_until_goaway(server, build, 100000),
                           cpu_limit=10)
    assert goaway_code(got) == ENHANCE_YOUR_CALM, f"{name}: {[(f[0], f[3][:8]) for f in got[-3:]]}"
    assert sent < 100000


def test_empty_data_frame_flood(serve):
    server = serve("--http2")

    def attack():
        conn = RawH2(server)
        conn.headers(1, request_headers())
        got, sent = [], 0
        try:
            for _ in range(200):
                # Empty frames between one-byte ones: never two empty in a row, the only
                # case swift-nio-http2 counts itself.
                conn.send((frame(DATA, 0, 1) + frame(DATA, 0, 1, b" ")) * 50)
                sent += 50
                more, ended = conn.frames(until=lambda f: f[0] == GOAWAY, timeout=0.01)
                got += more
                if ended or goaway_code(more) is not None:
                    break
        except (OSError, ssl.SSLError):
            pass
        more, _ = conn.frames(until=lambda f: f[0] == GOAWAY, timeout=3)
        conn.close()
        return goaway_code(got + more), sent

    code, sent = run_attack(server, "empty DATA frame flood (CVE-2019-9518)", "GOAWAY ENHANCE_YOUR_CALM", attack,
                            cpu_limit=10)
    assert code == ENHANCE_YOUR_CALM
    assert sent < 10000


def test_streams_over_the_limit_end_the_connection(serve):
    server = serve("--http2")

    def attack():
        conn = RawH2(server)
        # Wait for the server's SETTINGS so its limit of 100 applies.
        conn.frames(until=lambda f: f[0] == SETTINGS and not f[1], timeout=5)
        data = b"".join(frame(HEADERS, END_HEADERS, 1 + 2 * i, conn.encoder.encode(request_headers()))
                        for i in range(150))
        started = time.monotonic()
        conn.send(data)
        frames, ended = conn.frames(timeout=5)
        conn.close()
        return goaway_code(frames), ended, time.monotonic() - started

    code, ended, elapsed = run_attack(server, "150 streams opened at once (limit 100)",
                                      "GOAWAY PROTOCOL_ERROR at the 101st, and close", attack, cpu_limit=10)
    # swift-nio-http2 treats a stream past the advertised limit as a connection error (RFC
    # 9113 allows that or REFUSED_STREAM) and stops reading; the server then closes at once
    # rather than leave the client waiting for the read and idle timeouts.
    assert code == PROTOCOL_ERROR, code
    assert ended and elapsed < 4, (ended, elapsed)


# ---- memory ----------------------------------------------------------------------------------

def test_zero_window_stall_drops_unread_answers(serve):
    server = serve("--http2")

    def attack():
        # Initial stream window 0: the server may send no DATA, so each answer waits.
        conn = RawH2(server, initial=settings(initial_window_size=0))
        data = b""
        for i in range(100):
            stream = 1 + 2 * i
            data += frame(HEADERS, END_HEADERS, stream, conn.encoder.encode(request_headers(length=len(REVIEW_BYTES))))
            data += frame(DATA, END_STREAM, stream, REVIEW_BYTES)
        conn.send(data)
        started = time.monotonic()
        frames, _ = conn.frames(
            until=lambda f: f[0] == RST_STREAM and f[2] == 199, timeout=25)
        elapsed = time.monotonic() - started
        conn.close()
        return [f for f in frames if f[0] == RST_STREAM], elapsed

    resets, elapsed = run_attack(server, "zero-window stall (CVE-2019-9517): 100 answers never read",
                                 "each stream reset after the 10 s write timeout", attack, cpu_limit=10)
    assert len(resets) == 100, f"{len(resets)} streams reset"
    assert 9 <= elapsed <= 20
    assert server.metric('fsx_webhook_refusals_total{reason="write_timeout"}') >= 100


def upload(sock_factory, body, results):
    """Sends one large review on HTTP/1.1 and records the status (or the error)."""
    try:
        sock = sock_factory()
        head = (f"POST /validate HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                f"Content-Length: {len(body)}\r\n\r\n").encode()
        sock.sendall(head)
        view = memoryview(body)
        try:
            for offset in range(0, len(body), 256 * 1024):
                sock.sendall(view[offset:offset + 256 * 1024])
        except (OSError, ssl.SSLError):
            pass
        sock.settimeout(30)
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = sock.recv(65536)
            if not chunk:
                break
            data += chunk
        results.append(int(data.split()[1]) if data else "closed")
        sock.close()
    except (OSError, ssl.SSLError) as error:
        results.append(repr(error))


def test_seven_mib_bodies_on_100_http1_connections(serve):
    server = serve()
    body = big_review(SEVEN_MIB)

    def attack():
        results = []
        threads = [threading.Thread(target=upload, args=(server.tls_socket, body, results)) for _ in range(100)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        return results

    results = run_attack(server, "7 MiB bodies on 100 HTTP/1.1 connections at once",
                         "200 within the budget, 503 + Retry-After past it", attack, cpu_limit=60)
    assert results.count(200) >= 10, results
    assert all(r in (200, 503) for r in results), results
    assert server.metric("fsx_webhook_body_memory_bytes") == 0


def h2_uploads(server, streams, body, results, goaways=None):
    """Uploads `body` on `streams` concurrent streams of one connection, as a client that
    keeps to flow control: up to each stream's window and the connection's, the rest as the
    server's WINDOW_UPDATEs open them; a stream reset by the server is not sent on again.
    Appends to `results` one outcome per stream (200, "REFUSED_STREAM", ...), "unfinished"
    for a stream that got no answer before nothing moved for 5 s, and to `goaways` the
    error code of any GOAWAY."""
    conn = RawH2(server, timeout=60)
    done = {}
    try:
        conn.frames(until=lambda f: f[0] == SETTINGS and not f[1], timeout=5)
        # The client gives the server a large window so answers are never held.
        conn.send(frame(WINDOW_UPDATE, 0, 0, struct.pack(">I", 1 << 30)))
        ids = [1 + 2 * i for i in range(streams)]
        for stream in ids:
            conn.send(frame(HEADERS, END_HEADERS, stream, conn.encoder.encode(request_headers(length=len(body)))))
        sent = {stream: 0 for stream in ids}
        # The server's SETTINGS give each stream 1 MiB; the connection starts at the
        # protocol's 65,535 bytes until the server's WINDOW_UPDATEs raise it.
        window = {stream: 1 << 20 for stream in ids}
        conn_window = 65535
        deadline = time.monotonic() + 60
        progress = time.monotonic()
        # Ends when every stream is answered or refused, or nothing moved for 5 s.
        while len(done) < len(ids) and time.monotonic() < deadline and time.monotonic() - progress < 5:
            # Round-robin, one frame per stream per round, as h2 clients schedule streams:
            # late frames of a stream the server refused arrive after those of many others.
            batch = []
            moved = True
            while moved and len(batch) < 128:
                moved = False
                for stream in ids:
                    size = min(16384, len(body) - sent[stream], window[stream], conn_window)
                    if stream in done or size <= 0:
                        continue
                    last = sent[stream] + size == len(body)
                    batch.append(frame(DATA, END_STREAM if last else 0, stream,
                                       body[sent[stream]:sent[stream] + size]))
                    sent[stream] += size
                    window[stream] -= size
                    conn_window -= size
                    moved = True
            if batch:
                conn.send(b"".join(batch))
            frames, ended = conn.poll(0 if batch else 0.05)
            if frames or batch:
                progress = time.monotonic()
            for kind, flags, stream, payload in frames:
                if kind == WINDOW_UPDATE:
                    increment = int.from_bytes(payload, "big")
                    if stream == 0:
                        conn_window += increment
                    elif stream in window:
                        window[stream] += increment
                elif kind == RST_STREAM and stream in window:
                    done.setdefault(
                        stream, "REFUSED_STREAM" if int.from_bytes(payload, "big") == REFUSED_STREAM else "reset")
                elif kind == HEADERS and stream in window:
                    # :status 200 is HPACK static index 8.
                    done.setdefault(stream, 200 if payload[:1] == b"\x88" else "other")
                elif kind == GOAWAY and goaways is not None:
                    goaways.append(int.from_bytes(payload[4:8], "big"))
            if ended:
                break
    except (OSError, ssl.SSLError) as error:
        results.append(repr(error))
    finally:
        results.extend(done.values())
        results.extend(["unfinished"] * (streams - len(done)))
        conn.close()


def test_seven_mib_bodies_on_128_h2_streams(serve):
    server = serve("--http2")
    body = big_review(SEVEN_MIB)

    def attack():
        results = []
        threads = [threading.Thread(target=h2_uploads, args=(server, 64, body, results)) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(90)
        return results

    results = run_attack(server, "7 MiB bodies on 128 HTTP/2 streams (2 connections x 64)",
                         "REFUSED_STREAM past the budget, all of it released after", attack, cpu_limit=60)
    assert results.count("REFUSED_STREAM") >= 64, results
    assert all(r in (200, "REFUSED_STREAM") for r in results), results
    # Closed or answered, every stream gave its bytes back to the budget.
    time.sleep(0.5)
    assert server.metric("fsx_webhook_body_memory_bytes") == 0
    # A 7 MiB review alone on a stream is still answered.
    alone = []
    h2_uploads(server, 1, body, alone)
    assert alone == [200], alone


def test_seven_mib_bodies_on_100_h2_streams_of_one_connection_past_a_small_budget(serve):
    # 32 MiB: room for three 7 MiB bodies (each reserves 8 MiB, large ones share 24 MiB), so
    # 97 of the 100 streams are refused while the client is still sending on all of them.
    # Their late DATA frames must be ignored with their bytes credited back to the
    # connection window; otherwise the three accepted uploads stall behind a closed window.
    server = serve("--http2", "--body-memory-limit", "32")
    body = big_review(SEVEN_MIB)

    def attack():
        results, goaways = [], []
        started = time.monotonic()
        h2_uploads(server, 100, body, results, goaways)
        return results, goaways, time.monotonic() - started

    results, goaways, elapsed = run_attack(
        server, "7 MiB bodies on 100 HTTP/2 streams of one connection, 32 MiB budget",
        "REFUSED_STREAM past the budget; late DATA on refused streams ignored, its window given back", attack,
        cpu_limit=30)
    assert all(r in (200, "REFUSED_STREAM") for r in results), results
    assert results.count(200) >= 1, results
    assert results.count("REFUSED_STREAM") >= 90, results
    assert goaways == [], f"the connection failed: GOAWAY {goaways}"
    # Every stream answered well before the 30 s read deadline would have reset a stalled one.
    assert elapsed < 10, f"{elapsed:.1f} s"
    time.sleep(0.5)
    assert server.metric("fsx_webhook_body_memory_bytes") == 0


def test_unread_answers_on_http1_close_the_connection(serve):
    server = serve()

    def attack():
        # A small receive buffer: the server's writes back up after a few hundred answers, not
        # after the megabytes a loopback socket buffers by default, which a debug build on a
        # busy machine took longer than the attack's 25 s to produce.
        sock = server.tls_socket(receive_buffer=16384)
        request = (b"POST /validate HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                   b"Content-Length: " + str(len(REVIEW_BYTES)).encode() + b"\r\n\r\n" + REVIEW_BYTES)
        sock.settimeout(0.2)
        started = time.monotonic()
        closed = False
        while time.monotonic() - started < 25:
            try:
                sock.sendall(request * 50)
            except socket.timeout:
                pass
            except (OSError, ssl.SSLError):
                closed = True
                break
        sock.close()
        return closed, time.monotonic() - started

    closed, elapsed = run_attack(server, "HTTP/1.1 pipelining, answers never read",
                                 "connection closed after the 10 s write timeout", attack, cpu_limit=15)
    assert closed, "the server must close a connection whose answers are not read"
    assert server.metric('fsx_webhook_refusals_total{reason="write_timeout"}') >= 1


# ---- requests -------------------------------------------------------------------------------

def test_huge_uid_is_refused_not_echoed(serve):
    server = serve()
    review = json.loads(REVIEW_BYTES)
    review["request"]["uid"] = "u" * (1024 * 1024)

    def attack():
        return [server.review(json.dumps(review).encode()) for _ in range(20)]

    answers = run_attack(server, "1 MiB request.uid x20", "400 naming request.uid, not echoed", attack, cpu_limit=10)
    for status, _, body, _ in answers:
        assert status == 400
        assert b"request.uid" in body and len(body) < 1024


# ---- TLS -----------------------------------------------------------------------------------

@pytest.mark.parametrize("version", ["TLSv1", "TLSv1_1"])
def test_old_tls_versions_are_refused(serve, version):
    server = serve()
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    ctx.set_ciphers("ALL:@SECLEVEL=0")
    ctx.minimum_version = getattr(ssl.TLSVersion, version)
    ctx.maximum_version = getattr(ssl.TLSVersion, version)
    with pytest.raises(ssl.SSLError) as refused:
        ctx.wrap_socket(socket.create_connection(("127.0.0.1", server.port), timeout=5), server_hostname="localhost")
    assert server.review()[0] == 200
    assert "VERSION" in str(refused.value).upper() or "HANDSHAKE" in str(refused.value).upper()


@pytest.mark.parametrize("ciphers", ["AES128-SHA:AES256-SHA", "ECDHE-RSA-AES128-SHA:ECDHE-ECDSA-AES128-SHA",
                                     "AES128-GCM-SHA256", "AES256-GCM-SHA384"])
def test_weak_tls12_ciphers_are_refused(serve, ciphers):
    server = serve()
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    ctx.set_ciphers(ciphers + ":@SECLEVEL=0")
    ctx.maximum_version = ssl.TLSVersion.TLSv1_2
    with pytest.raises(ssl.SSLError):
        ctx.wrap_socket(socket.create_connection(("127.0.0.1", server.port), timeout=5), server_hostname="localhost")
    assert server.review()[0] == 200


def test_renegotiation_is_refused(serve, certs):
    server = serve()
    # openssl s_client starts a renegotiation when it reads "R" on its input.
    proc = subprocess.run(
        ["openssl", "s_client", "-connect", f"127.0.0.1:{server.port}", "-tls1_2", "-CAfile", str(certs / "ca.crt"),
         "-servername", "localhost"],
        input=b"R\n", capture_output=True, timeout=20)
    output = (proc.stdout + proc.stderr).decode(errors="replace")
    assert "RENEGOTIATING" in output, output[-2000:]
    assert "no renegotiation" in output or "alert" in output.lower() or proc.returncode != 0, output[-2000:]
    assert server.review()[0] == 200


def test_500_half_open_handshakes(serve):
    server = serve()

    def attack():
        held = []
        for _ in range(500):
            sock = socket.create_connection(("127.0.0.1", server.port), timeout=5)
            # The first bytes of a ClientHello record, then nothing.
            sock.sendall(b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03")
            held.append(sock)
        time.sleep(1)
        for sock in held:
            sock.close()
        return len(held)

    held = run_attack(server, "500 half-open TLS handshakes", "held until the 10 s handshake timeout, "
                      "reviews unaffected", attack, cpu_limit=10)
    assert held == 500


def test_mutual_tls_accepts_the_ca_and_refuses_others(serve, certs):
    server = serve("--client-ca-file", str(certs / "client-ca.crt"))
    assert server.review(client="client")[0] == 200
    for client in (None, "intruder"):
        with pytest.raises((ssl.SSLError, ConnectionError)):
            sock = server.tls_socket(client=client)
            # TLS 1.3 reports a refused client certificate on the first read.
            sock.sendall(b"POST /validate HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n")
            if not sock.recv(1):
                raise ConnectionError("closed")
    # Without the flag, no client certificate is asked for.
    assert serve().review()[0] == 200
