"""Raw HTTP/2 frames for the attack suite: the `h2` package sets up connections and
encodes headers (HPACK); hostile frames that no well-behaved client library would send
are built here byte by byte."""

import select
import socket
import ssl
import struct
import time

import h2.config
import h2.connection
import hpack

PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
DATA, HEADERS, PRIORITY, RST_STREAM, SETTINGS, PUSH_PROMISE, PING, GOAWAY, WINDOW_UPDATE, CONTINUATION = range(10)
END_STREAM, ACK, END_HEADERS = 0x1, 0x1, 0x4
PROTOCOL_ERROR, REFUSED_STREAM, ENHANCE_YOUR_CALM = 0x1, 0x7, 0xB


def frame(kind, flags, stream, payload=b""):
    return struct.pack(">I", len(payload))[1:] + bytes([kind, flags]) + struct.pack(">I", stream) + payload


def settings(**values):
    ids = {"header_table_size": 1, "enable_push": 2, "max_concurrent_streams": 3, "initial_window_size": 4,
           "max_frame_size": 5, "max_header_list_size": 6}
    return frame(SETTINGS, 0, 0, b"".join(struct.pack(">HI", ids[k], v) for k, v in values.items()))


def request_headers(path="/validate", length=None, extra=()):
    headers = [(":method", "POST"), (":scheme", "https"), (":authority", "localhost"), (":path", path),
               ("content-type", "application/json")]
    if length is not None:
        headers.append(("content-length", str(length)))
    return headers + list(extra)


def _literal(name_index, value):
    """A header field without indexing whose name is a static-table entry (RFC 7541 6.2.2)."""
    value = value.encode()
    assert len(value) < 127
    prefix = bytes([name_index]) if name_index < 15 else bytes([0x0F, name_index - 15])
    return prefix + bytes([len(value)]) + value


def static_block(path="/validate", length=None):
    """Request headers encoded with the static table only, so the dynamic table holds
    exactly what a test puts there."""
    block = b"\x83\x87" + _literal(4, path) + _literal(1, "localhost") + _literal(31, "application/json")
    if length is not None:
        block += _literal(28, str(length))
    return block


def varint7(value):
    """An HPACK string length with a 7-bit prefix (no Huffman)."""
    if value < 127:
        return bytes([value])
    out, value = [127], value - 127
    while value >= 128:
        out.append(0x80 | (value % 128))
        value //= 128
    return bytes(out + [value])


def indexed_entry(name, size):
    """A literal header with incremental indexing: it becomes dynamic entry 62."""
    return b"\x40" + varint7(len(name)) + name + varint7(size) + b"v" * size


class RawH2:
    """A TLS connection that negotiated h2, with the preface and an empty SETTINGS sent."""

    def __init__(self, server, initial=b"", timeout=10):
        self.sock = server.tls_socket(alpn=("h2",), timeout=timeout)
        assert self.sock.selected_alpn_protocol() == "h2", "the server did not negotiate h2"
        self.encoder = hpack.Encoder()
        self.timeout = timeout
        self.sock.sendall(PREFACE + (initial or settings()))
        self.buffer = b""

    def headers(self, stream, headers, end_stream=False):
        self.send(frame(HEADERS, END_HEADERS | (END_STREAM if end_stream else 0), stream,
                        self.encoder.encode(headers)))

    def send(self, data, timeout=30):
        # `frames` shortens the socket's timeout to poll; a send must be able to wait for room.
        self.sock.settimeout(timeout)
        self.sock.sendall(data)

    def _next_frame(self):
        """The next whole frame in the buffer, or None; a SETTINGS frame is acknowledged."""
        if len(self.buffer) < 9:
            return None
        length = int.from_bytes(self.buffer[:3], "big")
        if len(self.buffer) < 9 + length:
            return None
        kind, flags = self.buffer[3], self.buffer[4]
        stream = int.from_bytes(self.buffer[5:9], "big") & 0x7FFFFFFF
        item = (kind, flags, stream, self.buffer[9:9 + length])
        self.buffer = self.buffer[9 + length:]
        if kind == SETTINGS and not flags & ACK:
            try:
                self.sock.sendall(frame(SETTINGS, ACK, 0))
            except (OSError, ssl.SSLError):
                # The server may have closed already (after a GOAWAY); what was read still counts.
                pass
        return item

    def frames(self, until=None, timeout=10):
        """Reads frames until `until(frame)` is true, the connection ends or `timeout`;
        returns (frames, ended) where ended is True when the server closed."""
        got = []
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            while (item := self._next_frame()) is not None:
                got.append(item)
                if until and until(item):
                    return got, False
            self.sock.settimeout(max(0.01, deadline - time.monotonic()))
            try:
                data = self.sock.recv(65536)
            except socket.timeout:
                continue
            except (ConnectionError, ssl.SSLError, OSError):
                return got, True
            if not data:
                return got, True
            self.buffer += data
        return got, False

    def poll(self, wait=0.0):
        """The frames that have arrived, waiting at most `wait` seconds for the first bytes
        when none have: (frames, ended) as `frames` returns them. For a client that sends
        as fast as flow control lets it and must not sit in a read timeout each round."""
        ended = False
        if self.sock.pending() or select.select([self.sock], [], [], wait)[0]:
            # Readable: a whole TLS record is almost always there; a part of one is waited for.
            self.sock.settimeout(1)
            try:
                data = self.sock.recv(1 << 20)
                ended = not data
                self.buffer += data
            except socket.timeout:
                pass
            except (ConnectionError, ssl.SSLError, OSError):
                ended = True
        got = []
        while (item := self._next_frame()) is not None:
            got.append(item)
        return got, ended

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass


def goaway_code(frames):
    for kind, _, _, payload in frames:
        if kind == GOAWAY:
            return int.from_bytes(payload[4:8], "big")
    return None


def h2_client(server):
    """A well-behaved h2 client (the `h2` package's state machine) on a new connection."""
    sock = server.tls_socket(alpn=("h2",))
    conn = h2.connection.H2Connection(config=h2.config.H2Configuration(client_side=True))
    conn.initiate_connection()
    sock.sendall(conn.data_to_send())
    return sock, conn
