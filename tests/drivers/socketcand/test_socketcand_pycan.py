# SPDX-License-Identifier: LGPL-2.1-or-later
#
# canopy-server --protocol socketcand with Debian's python3-can 4.1 as the
# client (can.Bus(interface="socketcand", ...)), and a raw socket for the
# protocol's corners. Loopback only.

import os
import re
import socket
import subprocess
import time
import unittest

import can

SERVER = os.environ["CANOPY_SERVER"]


class SocketcandServerTest(unittest.TestCase):
    def setUp(self):
        self.server = subprocess.Popen(
            [SERVER, "-i", "virtual", "-c", "pycan-socketcand-%d" % os.getpid(),
             "--protocol", "socketcand", "-H", "127.0.0.1", "-p", "0"],
            stdout=subprocess.PIPE, text=True)
        line = self.server.stdout.readline()
        match = re.match(r"Listening on 127\.0\.0\.1 port (\d+)", line)
        self.assertIsNotNone(match, line)
        self.port = int(match.group(1))
        self.buses = []

    def tearDown(self):
        for bus in self.buses:
            bus.shutdown()
        self.server.terminate()
        self.server.wait(10)
        self.server.stdout.close()

    def client(self):
        bus = can.Bus(interface="socketcand", host="127.0.0.1", port=self.port, channel="can0")
        self.buses.append(bus)
        return bus

    def test_python_can_clients_talk_through_canopy(self):
        a = self.client()
        b = self.client()
        sent = []
        for i in range(200):
            extended = i % 3 == 0
            can_id = 0x18FF0000 + i if extended else 0x100 + i
            msg = can.Message(arbitration_id=can_id, is_extended_id=extended,
                              data=bytes((i + k) & 0xFF for k in range(i % 9)))
            a.send(msg)
            sent.append(msg)
        for msg in sent:
            got = b.recv(5)
            self.assertIsNotNone(got, "frame %x lost" % msg.arbitration_id)
            self.assertEqual(got.arbitration_id, msg.arbitration_id)
            self.assertEqual(bytes(got.data), bytes(msg.data))
            # The server stamps frames with Unix time.
            self.assertAlmostEqual(got.timestamp, time.time(), delta=10)

        b.send(can.Message(arbitration_id=0x7E8, is_extended_id=False, data=b"\x02\x01\x0c"))
        got = a.recv(5)
        self.assertEqual(got.arbitration_id, 0x7E8)
        self.assertEqual(bytes(got.data), b"\x02\x01\x0c")

    def test_protocol_corners(self):
        with socket.create_connection(("127.0.0.1", self.port), timeout=5) as s:
            self.assertEqual(s.recv(256), b"< hi >")
            # Raw mode needs an open bus first.
            s.sendall(b"< rawmode >")
            self.assertTrue(s.recv(256).startswith(b"< error "))
            s.sendall(b"< open vcan7 >")
            self.assertEqual(s.recv(256), b"< ok >")
            s.sendall(b"< rawmode >")
            self.assertEqual(s.recv(256), b"< ok >")

            # A malformed element is skipped; the session goes on.
            other = self.client()
            s.sendall(b"< send 123 9 >< send 123 1 ab >< send 1ABCDEF0 2 01 02 >")
            got = other.recv(5)
            self.assertEqual((got.arbitration_id, bytes(got.data)), (0x123, b"\xab"))
            got = other.recv(5)
            self.assertEqual((got.arbitration_id, bytes(got.data)), (0x1ABCDEF0, b"\x01\x02"))

            # Frames from the bus arrive as < frame ID SECS.USECS DATA >.
            other.send(can.Message(arbitration_id=0x42, is_extended_id=False, data=b"\x11\x22"))
            data = b""
            while b">" not in data:
                data += s.recv(256)
            self.assertRegex(data.decode(), r"^< frame 042 \d+\.\d{6} 1122 > $")


if __name__ == "__main__":
    unittest.main(verbosity=2)
