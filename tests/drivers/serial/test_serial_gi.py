# SPDX-License-Identifier: LGPL-2.1-or-later
#
# The serial driver from Python through GObject introspection, with Debian's
# python3-can 4.1 (SerialBus over pyserial) on the other end of a null-modem
# cable made of two pseudo-terminals and a relay.

import os
import select
import threading
import time
import tty
import unittest

import can
import gi

gi.require_version("Canopy", "1.0")
from gi.repository import Canopy, GLib  # noqa: E402


class NullModem:
    """Two pseudo-terminals whose masters copy bytes to each other."""

    def __init__(self):
        self.master_a, slave_a = os.openpty()
        self.master_b, slave_b = os.openpty()
        self.path_a = os.ttyname(slave_a)
        self.path_b = os.ttyname(slave_b)
        # Keep the slaves open so that the masters never read EIO.
        self.slaves = [slave_a, slave_b]
        for fd in self.slaves:
            tty.setraw(fd)
        self.stop_r, self.stop_w = os.pipe()
        self.thread = threading.Thread(target=self._relay, daemon=True)
        self.thread.start()

    def _relay(self):
        peers = {self.master_a: self.master_b, self.master_b: self.master_a}
        while True:
            ready, _, _ = select.select([self.master_a, self.master_b, self.stop_r], [], [])
            if self.stop_r in ready:
                return
            for fd in ready:
                try:
                    data = os.read(fd, 4096)
                except OSError:
                    continue
                os.write(peers[fd], data)

    def unplug(self):
        os.write(self.stop_w, b"x")
        self.thread.join()
        for fd in self.slaves + [self.master_a, self.master_b]:
            os.close(fd)


class SerialTest(unittest.TestCase):
    def setUp(self):
        self.modem = NullModem()
        self.pycan = can.Bus(interface="serial", channel=self.modem.path_a, timeout=0.1)
        self.bus = Canopy.Bus.new("serial", self.modem.path_b + "@115200", None)

    def tearDown(self):
        self.bus.shutdown()
        self.pycan.shutdown()
        try:
            self.modem.unplug()
        except OSError:
            pass

    def test_python_can_to_canopy(self):
        sent = []
        for i in range(50):
            can_id = 0x1ABCDE00 + i if i % 2 else 0x100 + i
            # python-can 4.1 only sends timestamps below 2^32 ms: relative ones.
            msg = can.Message(timestamp=12.5 + i, arbitration_id=can_id,
                              is_extended_id=bool(i % 2), data=bytes(range(i % 9)))
            self.pycan.send(msg)
            sent.append(msg)
        for msg in sent:
            got = self.bus.recv(5)
            self.assertIsNotNone(got)
            self.assertEqual(got.get_arbitration_id(), msg.arbitration_id)
            self.assertEqual(got.is_extended(), msg.is_extended_id)
            self.assertEqual(bytes(got.get_data()), bytes(msg.data))
            # Not a Unix time: the time of arrival instead.
            self.assertAlmostEqual(got.get_timestamp(), time.time(), delta=5)
        self.assertEqual(self.bus.get_skipped(), 0)

    def test_canopy_to_python_can(self):
        for i in range(50):
            msg = Canopy.Message.new(0x200 + i, False, bytes([i, 0x55, 0xAA]))
            msg.set_timestamp(1000.25 + i)
            self.bus.send(msg, 1)
        for i in range(50):
            got = self.pycan.recv(5)
            self.assertIsNotNone(got)
            self.assertEqual(got.arbitration_id, 0x200 + i)
            self.assertEqual(bytes(got.data), bytes([i, 0x55, 0xAA]))
            self.assertAlmostEqual(got.timestamp, 1000.25 + i, delta=0.0001)

    def test_unix_time_round_trip(self):
        # Canopy to Canopy: the low 32 bits of the milliseconds and the
        # receiver's clock give the sender's Unix time back.
        other = Canopy.Bus.new("serial", self.modem.path_a, None)
        try:
            stamp = time.time() - 2.5
            msg = Canopy.Message.new(0x7, False, b"\x01")
            msg.set_timestamp(stamp)
            other.send(msg, 1)
            got = self.bus.recv(5)
            self.assertAlmostEqual(got.get_timestamp(), stamp, delta=0.0011)
        finally:
            other.shutdown()

    def test_filters_and_unsupported_frames(self):
        self.bus.set_filters([Canopy.Filter.new(0x300, 0x7F0, False)])
        for can_id in (0x2FF, 0x300, 0x30F, 0x310):
            self.pycan.send(can.Message(arbitration_id=can_id, is_extended_id=False, data=b"\x01"))
        self.assertEqual(self.bus.recv(5).get_arbitration_id(), 0x300)
        self.assertEqual(self.bus.recv(5).get_arbitration_id(), 0x30F)
        self.assertIsNone(self.bus.recv(0.3))

        error_frame = Canopy.Message.new(0x4, False, bytes(8))
        error_frame.set_error(True)
        with self.assertRaises(GLib.Error) as raised:
            self.bus.send(error_frame, 1)
        self.assertTrue(raised.exception.matches(Canopy.error_quark(), Canopy.Error.UNSUPPORTED))

    def test_noise_is_skipped_and_counted(self):
        os.write(self.modem.master_b, b"\x00\x13\xbb" + b"\xaa\x00\x00\x00\x00\x09")
        self.pycan.send(can.Message(arbitration_id=0x42, is_extended_id=False, data=b"\xde\xad"))
        got = self.bus.recv(5)
        self.assertEqual(got.get_arbitration_id(), 0x42)
        self.assertEqual(bytes(got.get_data()), b"\xde\xad")
        self.assertEqual(self.bus.get_skipped(), 9)

    def test_unplugged(self):
        self.pycan.send(can.Message(arbitration_id=0x1, is_extended_id=False, data=b""))
        self.assertIsNotNone(self.bus.recv(5))
        self.modem.unplug()
        with self.assertRaises(GLib.Error) as raised:
            self.bus.recv(-1)
        self.assertTrue(raised.exception.matches(Canopy.error_quark(), Canopy.Error.CONNECTION_LOST))
        with self.assertRaises(GLib.Error):
            self.bus.send(Canopy.Message.new(0x1, False, b""), 1)

    def test_shutdown(self):
        self.bus.shutdown()
        with self.assertRaises(GLib.Error) as raised:
            self.bus.recv(0)
        self.assertTrue(raised.exception.matches(Canopy.error_quark(), Canopy.Error.SHUT_DOWN))


class MissingDeviceTest(unittest.TestCase):
    def test_missing_device(self):
        with self.assertRaises(GLib.Error) as raised:
            Canopy.Bus.new("serial", "/dev/canopy-no-such-tty", None)
        self.assertTrue(raised.exception.matches(Canopy.error_quark(), Canopy.Error.NOT_AVAILABLE))
        self.assertIn("/dev/canopy-no-such-tty", raised.exception.message)


if __name__ == "__main__":
    unittest.main(verbosity=2)
