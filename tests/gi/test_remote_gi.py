# SPDX-License-Identifier: LGPL-2.1-or-later
#
# The remote bridge from Python, through GObject introspection: a server
# shares a virtual channel, clients open it as python-can's users would,
# Canopy.Bus.new("remote", "host:port", {"bitrate": ...}).

import unittest

import gi

gi.require_version("Canopy", "1.0")
from gi.repository import Canopy, GLib  # noqa: E402


class RemoteTest(unittest.TestCase):
    def setUp(self):
        self.server = Canopy.RemoteServer.new("virtual", "gi-remote", None)
        self.server.start(None, 0)
        self.address = "127.0.0.1:%d" % self.server.props.port

    def tearDown(self):
        self.server.stop()

    def test_round_trip_and_clients(self):
        a = Canopy.Bus.new("remote", self.address, {"bitrate": "250000"})
        b = Canopy.Bus.new("remote", self.address, None)
        self.assertEqual(b.props.channel_info, "Virtual bus channel gi-remote on " + self.address)

        for i in range(100):
            a.send(Canopy.Message.new(0x100 + i, i % 2 == 1, bytes([i, 0xAA])), -1)
        for i in range(100):
            msg = b.recv(10)
            self.assertIsNotNone(msg)
            self.assertEqual(msg.get_arbitration_id(), 0x100 + i)
            self.assertEqual(msg.is_extended(), i % 2 == 1)
            self.assertEqual(bytes(msg.get_data()), bytes([i, 0xAA]))

        clients = self.server.list_clients()
        self.assertEqual(len(clients), 2)
        self.assertTrue(all(c.address.startswith("127.0.0.1:") for c in clients))
        self.assertEqual(sorted(c.requested_bitrate for c in clients), [250000, 500000])
        self.assertEqual(sum(c.frames_received for c in clients), 100)

        # The server goes away: a blocking receive raises instead of hanging.
        self.server.stop()
        with self.assertRaises(GLib.Error) as raised:
            b.recv(-1)
        self.assertTrue(raised.exception.matches(Canopy.error_quark(), Canopy.Error.CONNECTION_LOST))

    def test_filters_and_errors(self):
        bus = Canopy.RemoteBus.new(self.address, 500000, [Canopy.Filter.new(0x123, 0x7FF, False)])
        local = Canopy.VirtualBus.new("gi-remote", False, 0)
        for can_id in (0x122, 0x123, 0x124):
            local.send(Canopy.Message.new(can_id, False, b""), 0)
        self.assertEqual(bus.recv(10).get_arbitration_id(), 0x123)
        self.assertIsNone(bus.recv(0.1))

        with self.assertRaises(GLib.Error):
            Canopy.Bus.new("remote", "127.0.0.1:notaport", None)


if __name__ == "__main__":
    unittest.main(verbosity=2)
