# SPDX-License-Identifier: LGPL-2.1-or-later
#
# The broadcast manager and the player from Python, as a python-can user
# would write it:
#     task = bus.send_periodic(msg, 0.01, 0); task.modify_data(b"…"); task.stop()
#     Canopy.Player.new(bus).play_file(path, None)

import os
import tempfile
import time
import unittest

import gi

gi.require_version("Canopy", "1.0")
from gi.repository import Canopy, Gio, GLib  # noqa: E402


def drain(bus):
    frames = []
    while True:
        m = bus.recv(0)
        if m is None:
            return frames
        frames.append((m.get_arbitration_id(), bytes(m.get_data())))


class CyclicFromPython(unittest.TestCase):
    def test_send_periodic(self):
        tx = Canopy.Bus.new("virtual", "gi-cyclic", None)
        rx = Canopy.Bus.new("virtual", "gi-cyclic", None)
        msg = Canopy.Message.new(0x123, False, b"\x00\x00")

        task = tx.send_periodic(msg, 0.01, 0)
        self.assertTrue(task.is_running())
        self.assertIsNotNone(rx.recv(5.0))

        task.modify_data(b"\x99\x01")
        deadline = time.monotonic() + 5
        seen = False
        while not seen and time.monotonic() < deadline:
            m = rx.recv(1.0)
            seen = m is not None and bytes(m.get_data()) == b"\x99\x01"
        self.assertTrue(seen)

        with self.assertRaises(GLib.Error):
            task.modify_message(Canopy.Message.new(0x124, False, b""))

        task.stop()
        self.assertFalse(task.is_running())
        drain(rx)
        time.sleep(0.05)
        self.assertEqual(drain(rx), [])

        task.start()
        m = rx.recv(5.0)
        self.assertEqual(bytes(m.get_data()), b"\x99\x01")
        task.stop()
        self.assertGreater(task.get_sent(), 2)
        self.assertEqual(task.props.period, 0.01)

        multi = tx.send_periodic_multirate(msg, 3, 0.001, 0)
        deadline = time.monotonic() + 5
        while multi.is_running() and time.monotonic() < deadline:
            time.sleep(0.01)
        self.assertFalse(multi.is_running())
        self.assertEqual(multi.get_sent() + multi.get_missed(), 3)

        tx.shutdown()
        rx.shutdown()

    def test_counter_byte(self):
        # A generic task made stopped, its counter set, then started.
        tx = Canopy.Bus.new("virtual", "gi-counter", None)
        rx = Canopy.Bus.new("virtual", "gi-counter", None)
        msg = Canopy.Message.new(0x321, False, b"\x01\x02\xfe")
        task = Canopy.CyclicTask(bus=tx, message=msg, period=0.005)
        with self.assertRaises(GLib.Error):
            task.set_counter_byte(3)
        task.set_counter_byte(2)
        self.assertEqual(task.props.counter_byte, 2)
        task.start()
        got = [bytes(rx.recv(5.0).get_data()) for _ in range(4)]
        task.stop()
        self.assertEqual(got, [b"\x01\x02\xfe", b"\x01\x02\xff", b"\x01\x02\x00", b"\x01\x02\x01"])
        self.assertGreater(task.get_measured_period(), 0)
        self.assertEqual(task.props.measured_period, task.get_measured_period())
        tx.shutdown()
        rx.shutdown()


class PlayerFromPython(unittest.TestCase):
    def setUp(self):
        fd, self.path = tempfile.mkstemp(suffix=".log")
        with os.fdopen(fd, "w") as f:
            for i in range(20):
                f.write("(%.6f) vcan0 %03X#%02X\n" % (1700000000 + i * 0.005, 0x200 + i, i))

    def tearDown(self):
        os.unlink(self.path)

    def test_play_file(self):
        tx = Canopy.Bus.new("virtual", "gi-player", None)
        rx = Canopy.Bus.new("virtual", "gi-player", None)
        player = Canopy.Player.new(tx)

        t0 = time.monotonic()
        self.assertTrue(player.play_file(self.path, None))
        self.assertGreaterEqual(time.monotonic() - t0, 0.095)
        frames = drain(rx)
        self.assertEqual(frames, [(0x200 + i, bytes([i])) for i in range(20)])
        self.assertAlmostEqual(player.props.duration, 0.095, places=5)

        with self.assertRaises(GLib.Error):
            player.play_file("/nonexistent.log", None)

        # Asynchronous, with progress on the main context.
        loop = GLib.MainLoop()
        positions = []
        player.connect("notify::position", lambda p, _: positions.append(p.props.position))
        result = []

        def done(p, res):
            result.append(p.play_file_finish(res))
            loop.quit()

        player.props.ignore_timestamps = True
        player.props.gap = 1.0
        player.play_file_async(self.path, None, done)
        GLib.timeout_add_seconds(10, loop.quit)
        loop.run()
        self.assertEqual(result, [True])
        self.assertEqual(len(drain(rx)), 20)
        ctx = GLib.MainContext.default()
        end = time.monotonic() + 0.3
        while time.monotonic() < end:
            ctx.iteration(False)
            time.sleep(0.01)
        self.assertTrue(positions)
        self.assertAlmostEqual(player.props.position, 0.095, places=5)

        # Cancelled.
        cancellable = Gio.Cancellable()
        player.props.ignore_timestamps = False
        player.props.speed = 0.01
        GLib.timeout_add(50, cancellable.cancel)
        result.clear()

        def cancelled(p, res):
            try:
                p.play_file_finish(res)
                result.append("finished")
            except GLib.Error as e:
                result.append(e.matches(Gio.io_error_quark(), Gio.IOErrorEnum.CANCELLED))
            loop.quit()

        player.play_file_async(self.path, cancellable, cancelled)
        loop.run()
        self.assertEqual(result, [True])

        tx.shutdown()
        rx.shutdown()


if __name__ == "__main__":
    unittest.main(verbosity=2)
