# SPDX-License-Identifier: LGPL-2.1-or-later
#
# A wire-level peer in Python. Debian's python3-can 4.1 no longer ships the
# remote interface (it was dropped after python-can 2.x), so this peer packs
# and unpacks the events with Python's struct module straight from the
# reference's tables (big-endian: '>Bl' BusRequest, '>dIBB8s' CanMessage,
# '>II' per filter), the way python-can 2.0's client and server did.
# It talks to canopy-server as a client, and serves canopy-logger as a
# server.

import os
import re
import socket
import struct
import subprocess
import threading
import unittest

BUS_REQUEST, BUS_RESPONSE, CAN_MESSAGE, TRANSMIT_SUCCESS = 1, 2, 3, 4
REMOTE_EXCEPTION, FILTER_CONFIG, CONNECTION_CLOSED = 6, 10, 255
MESSAGE = struct.Struct(">dIBB8s")


def pack_message(timestamp, can_id, data, extended=False, remote=False, error=False, dlc=None):
    flags = (1 if extended else 0) | (2 if remote else 0) | (4 if error else 0)
    dlc = len(data) if dlc is None else dlc
    return bytes([CAN_MESSAGE]) + MESSAGE.pack(timestamp, can_id, dlc, flags, bytes(data).ljust(8, b"\0"))


def pack_text(event, text):
    raw = text.encode("utf-8")
    return bytes([event, len(raw)]) + raw


def pack_filters(filters):
    return bytes([FILTER_CONFIG, len(filters)]) + b"".join(struct.pack(">II", i, m) for i, m in filters)


class Reader:
    """python-can 2.0's Connection: buffers bytes, yields whole events."""

    def __init__(self, sock):
        self.sock = sock
        self.buf = b""

    def _need(self, n):
        while len(self.buf) < n:
            chunk = self.sock.recv(256)
            if not chunk:
                return False
            self.buf += chunk
        return True

    def next_event(self):
        if not self._need(1):
            return (CONNECTION_CLOSED, None)
        event = self.buf[0]
        if event in (BUS_RESPONSE, REMOTE_EXCEPTION):
            self._need(2)
            size = 2 + self.buf[1]
            self._need(size)
            value = self.buf[2:size].decode("utf-8")
        elif event == CAN_MESSAGE:
            size = 1 + MESSAGE.size
            self._need(size)
            ts, can_id, dlc, flags, data = MESSAGE.unpack_from(self.buf, 1)
            value = (ts, can_id, dlc, flags, data[:dlc])
        elif event == BUS_REQUEST:
            size = 6
            self._need(size)
            value = struct.unpack_from(">Bl", self.buf, 1)
        elif event == FILTER_CONFIG:
            self._need(2)
            size = 2 + 8 * self.buf[1]
            self._need(size)
            value = [struct.unpack_from(">II", self.buf, 2 + 8 * i) for i in range(self.buf[1])]
        else:
            size, value = 1, None
        self.buf = self.buf[size:]
        return (event, value)


def connect_client(port, version=1, bitrate=500000, filters=()):
    sock = socket.create_connection(("127.0.0.1", port), timeout=20)
    sock.sendall(bytes([BUS_REQUEST]) + struct.pack(">Bl", version, bitrate) + pack_filters(list(filters)))
    return sock, Reader(sock)


class PeerClientTest(unittest.TestCase):
    """Python clients, canopy-server in the middle."""

    def setUp(self):
        self.server = subprocess.Popen(
            [os.environ["CANOPY_SERVER"], "-i", "virtual", "-c", "peer", "-p", "0"],
            stdout=subprocess.PIPE, text=True)
        line = self.server.stdout.readline()
        self.port = int(re.match(r"Listening on 127\.0\.0\.1 port (\d+)", line).group(1))

    def tearDown(self):
        self.server.terminate()
        self.assertEqual(self.server.wait(20), 0)
        self.server.stdout.close()

    def test_frames_between_clients(self):
        a, ra = connect_client(self.port)
        b, rb = connect_client(self.port, filters=[(0x100, 0x700)])
        self.assertEqual(ra.next_event(), (BUS_RESPONSE, "Virtual bus channel peer"))
        self.assertEqual(rb.next_event(), (BUS_RESPONSE, "Virtual bus channel peer"))

        sent = [
            (0x123, b"\x01\x02\x03", {}),
            (0x18DAF123, b"\xff" * 8, {"extended": True}),
            (0x17F, b"", {"remote": True, "dlc": 4}),
            (0x200, b"\x09", {}),      # filtered out for b by the server
            (0x1FF, b"\x00" * 8, {}),
        ]
        a.sendall(b"".join(pack_message(12.5, i, d, **kw) for i, d, kw in sent))

        got = [rb.next_event() for _ in range(4)]
        want = [(i, d, kw) for i, d, kw in sent if i & 0x700 == 0x100]
        self.assertEqual(len(want), 4)
        for (event, value), (can_id, data, kw) in zip(got, want):
            self.assertEqual(event, CAN_MESSAGE)
            ts, rid, dlc, flags, rdata = value
            self.assertGreater(ts, 1.6e9)  # stamped by the server's bus
            self.assertEqual(rid, can_id)
            self.assertEqual(flags, (1 if kw.get("extended") else 0) | (2 if kw.get("remote") else 0))
            self.assertEqual(dlc, kw.get("dlc", len(data)))
            if not kw.get("remote"):
                self.assertEqual(rdata, data)

        a.close()
        b.shutdown(socket.SHUT_WR)
        self.assertEqual(rb.next_event(), (CONNECTION_CLOSED, None))
        b.close()

    def test_version_mismatch(self):
        sock, reader = connect_client(self.port, version=2)
        self.assertEqual(reader.next_event(), (REMOTE_EXCEPTION, "Protocol version mismatch (2 != 1)"))
        self.assertEqual(reader.next_event(), (CONNECTION_CLOSED, None))
        sock.close()


class PeerServerTest(unittest.TestCase):
    """A Python server, canopy-logger as the remote client."""

    def test_logger_through_python_server(self):
        listener = socket.create_server(("127.0.0.1", 0))
        port = listener.getsockname()[1]
        seen = {}

        def serve():
            conn, _ = listener.accept()
            conn.settimeout(20)
            reader = Reader(conn)
            seen["request"] = reader.next_event()
            seen["filters"] = reader.next_event()
            conn.sendall(pack_text(BUS_RESPONSE, "python peer")
                         + pack_message(1.25, 0x7E8, b"\x04\x41\x0c\x1a\xf8")
                         + pack_message(2.5, 0x18DAF110, b"\x10\x20", extended=True)
                         + pack_message(3.75, 0x321, b"", remote=True, dlc=2))
            # canopy-logger sets its (empty) filters once more after
            # connecting; python-can 2.0's server ignored such events.
            seen["later"] = []
            while True:
                event = reader.next_event()
                if event[0] == CONNECTION_CLOSED:
                    break
                seen["later"].append(event)
            conn.close()

        thread = threading.Thread(target=serve)
        thread.start()
        out = subprocess.run(
            [os.environ["CANOPY_LOGGER"], "-i", "remote", "-c", "127.0.0.1:%d" % port,
             "-o", "bitrate=250000", "-n", "3"],
            capture_output=True, text=True, timeout=30)
        thread.join(30)
        listener.close()

        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertEqual(seen["request"], (BUS_REQUEST, (1, 250000)))
        self.assertEqual(seen["filters"], (FILTER_CONFIG, []))
        self.assertEqual(seen["later"], [(FILTER_CONFIG, [])])

        lines = out.stdout.splitlines()
        self.assertEqual(len(lines), 3, out.stdout)
        self.assertRegex(lines[0], r"Timestamp:\s+1\.250000\s+ID: 07e8 .*DLC: 5\s+04 41 0c 1a f8")
        self.assertRegex(lines[1], r"Timestamp:\s+2\.500000\s+ID: 18daf110 .*DLC: 2\s+10 20")
        self.assertRegex(lines[2], r"Timestamp:\s+3\.750000\s+ID: 0321 .*DLC: 2")


if __name__ == "__main__":
    unittest.main(verbosity=2)
