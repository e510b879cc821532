# SPDX-License-Identifier: LGPL-2.1-or-later
#
# The engine used as a script would use it, through GObject introspection.

import threading
import time
import unittest

import gi

gi.require_version("Canopy", "1.0")
from gi.repository import Canopy, GLib, GObject  # noqa: E402


class Recorder(GObject.Object, Canopy.Listener):
    """A listener written in Python."""

    def __init__(self):
        super().__init__()
        self.frames = []
        self.errors = []
        self.stopped = 0
        self.lock = threading.Lock()

    def do_on_message_received(self, msg):
        with self.lock:
            self.frames.append((msg.get_arbitration_id(), bytes(msg.get_data())))

    def do_on_error(self, error):
        with self.lock:
            self.errors.append(error)

    def do_stop(self):
        self.stopped += 1


def wait_until(predicate, timeout=10.0):
    end = time.monotonic() + timeout
    while not predicate() and time.monotonic() < end:
        time.sleep(0.005)
    return predicate()


class BusStatistics(unittest.TestCase):
    def test_statistics_after_1000_frames(self):
        options = {"bitrate": "500000"}
        tx = Canopy.Bus.new("virtual", "gi-statistics", options)
        rx = Canopy.Bus.new("virtual", "gi-statistics", options)
        self.assertEqual(tx.props.bitrate, 500000)
        m = Canopy.Message.new(0x123, False, bytes(range(8)))
        for _ in range(1000):
            self.assertTrue(tx.send(m, 1.0))
        received = 0
        while rx.recv(0) is not None:
            received += 1
        self.assertEqual(received, 1000)

        sent = tx.get_statistics()
        self.assertEqual(sent.get_tx_frames(), 1000)
        self.assertEqual(sent.get_rx_frames(), 0)
        stats = rx.get_statistics()
        self.assertEqual(stats.get_rx_frames(), 1000)
        self.assertEqual(stats.get_tx_frames(), 0)
        self.assertEqual(stats.get_error_frames(), 0)
        self.assertEqual(stats.get_dropped(), 0)
        self.assertGreater(stats.get_frame_rate(), 0.0)
        # 1000 frames of 135 bits (worst-case stuffing) are 0.27 s of a
        # 500 kbit/s bus: sent in a burst, the load is high but never > 100.
        self.assertGreater(stats.get_bus_load(), 0.0)
        self.assertLessEqual(stats.get_bus_load(), 100.0)
        self.assertEqual(stats.get_state(), Canopy.BusState.UNKNOWN)
        self.assertEqual(rx.props.statistics.get_rx_frames(), 1000)

        # Without a bit rate: a rate, but no load.
        rx.set_bitrate(0)
        self.assertEqual(rx.get_statistics().get_bus_load(), 0.0)
        tx.shutdown()
        rx.shutdown()

    def test_statistics_notifies_on_main_context(self):
        tx = Canopy.Bus.new("virtual", "gi-statistics-notify", None)
        rx = Canopy.Bus.new("virtual", "gi-statistics-notify", None)
        notified = []
        rx.connect("notify::statistics", lambda bus, pspec: notified.append(
            bus.get_statistics().get_rx_frames()))
        m = Canopy.Message.new(0x42, False, b"\x01")
        for _ in range(500):
            tx.send(m, 1.0)
            rx.recv(1.0)
        ctx = GLib.MainContext.default()
        end = time.monotonic() + 5
        while not notified and time.monotonic() < end:
            ctx.iteration(False)
            time.sleep(0.01)
        # Coalesced: 500 frames, one notification (at most ten a second).
        self.assertEqual(len(notified), 1)
        self.assertEqual(notified[0], 500)
        tx.shutdown()
        rx.shutdown()

    def test_interfaces(self):
        names = Canopy.Bus.list_interfaces()
        for name in ("socketcan", "pcan", "slcan", "remote", "virtual"):
            self.assertIn(name, names)
        infos = Canopy.InterfaceInfo.list()
        self.assertEqual([i.props.name for i in infos], list(names))
        virtual = Canopy.InterfaceInfo.lookup("virtual")
        self.assertTrue(virtual.props.available)
        self.assertTrue(virtual.props.requirement)


class ScriptingContract(unittest.TestCase):
    def test_contract(self):
        a = Canopy.Bus.new("virtual", "t0", None)
        b = Canopy.Bus.new("virtual", "t0", {"receive_own_messages": "false"})
        m = Canopy.Message.new(0x123, False, b"\x01\x02")
        self.assertTrue(a.send(m, 1.0))
        r = b.recv(1.0)
        self.assertEqual(r.get_arbitration_id(), 0x123)
        self.assertEqual(bytes(r.get_data()), b"\x01\x02")
        self.assertEqual(r.get_dlc(), 2)
        self.assertFalse(r.is_extended())
        self.assertFalse(r.is_remote())
        self.assertFalse(r.is_error())
        self.assertFalse(r.is_fd())
        self.assertGreater(r.get_timestamp(), 1.6e9)
        self.assertEqual(r.get_channel(), -1)
        self.assertTrue(r.to_string().endswith("ID: 0123    000    DLC: 2    01 02"))
        self.assertIsNone(b.recv(0.01))

        b.set_filters([Canopy.Filter.new(0x100, 0x700, False)])
        a.send(Canopy.Message.new(0x223, False, b""), 1.0)
        a.send(Canopy.Message.new(0x123, True, b""), 1.0)
        a.send(Canopy.Message.new(0x1FF, False, b"\xff"), 1.0)
        got = b.recv(1.0)
        self.assertEqual(got.get_arbitration_id(), 0x1FF)
        self.assertIsNone(b.recv(0.01))
        b.set_filters(None)

        reader = Canopy.BufferedReader.new()
        recorder = Recorder()
        n = Canopy.Notifier.new([b], [reader, recorder])
        for i in range(100):
            a.send(Canopy.Message.new(i, False, bytes([i])), 1.0)
        for i in range(100):
            msg = reader.get_message(1.0)
            self.assertIsNotNone(msg)
            self.assertEqual(msg.get_arbitration_id(), i)
        self.assertTrue(wait_until(lambda: len(recorder.frames) == 100))
        self.assertEqual(recorder.frames, [(i, bytes([i])) for i in range(100)])
        self.assertTrue(n.stop(5.0))
        self.assertEqual(recorder.stopped, 1)
        self.assertIsNone(reader.get_message(0.01))
        a.shutdown()
        b.shutdown()

    def test_errors_are_exceptions(self):
        with self.assertRaises(GLib.Error) as ctx:
            Canopy.Bus.new("nosuchcan", "x", None)
        self.assertIn("virtual", ctx.exception.message)

        bus = Canopy.Bus.new("virtual", "t1", None)
        with self.assertRaises(GLib.Error):
            bus.send(Canopy.Message.new(0x800, False, b""), 0)
        bus.shutdown()
        bus.shutdown()
        with self.assertRaises(GLib.Error) as ctx:
            bus.recv(0)
        self.assertTrue(ctx.exception.matches(Canopy.error_quark(), Canopy.Error.SHUT_DOWN))

    def test_notifier_exception_reaches_python_listener(self):
        bus = Canopy.Bus.new("virtual", "t2", None)
        recorder = Recorder()
        n = Canopy.Notifier.new([bus], [recorder])
        bus.shutdown()
        self.assertTrue(wait_until(lambda: not n.is_running()))
        self.assertIsNotNone(n.get_exception())
        self.assertEqual(len(recorder.errors), 1)
        n.stop(1.0)

    def test_fd_message(self):
        m = Canopy.Message.new(0x18DAF110, True, bytes(range(64)))
        self.assertTrue(m.is_fd())
        self.assertEqual(m.get_dlc(), 64)
        m.set_bitrate_switch(True)
        self.assertTrue(m.get_bitrate_switch())
        self.assertEqual(bytes(m.get_data()), bytes(range(64)))

    def test_main_context_listener(self):
        loop = GLib.MainLoop()
        a = Canopy.Bus.new("virtual", "t3", None)
        b = Canopy.Bus.new("virtual", "t3", None)
        listener = Canopy.MainContextListener.new(None)
        received = []

        def on_messages(_listener, messages):
            received.extend(m.get_arbitration_id() for m in messages)
            if len(received) >= 50:
                loop.quit()

        listener.connect("messages-received", on_messages)
        n = Canopy.Notifier.new([b], [listener])
        for i in range(50):
            a.send(Canopy.Message.new(i, False, b""), 1.0)
        GLib.timeout_add_seconds(10, loop.quit)
        loop.run()
        n.stop(5.0)
        self.assertEqual(received, list(range(50)))



class LogEvents(unittest.TestCase):
    def test_blf_events_and_object_counts(self):
        import os
        import tempfile

        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "events.blf")
            writer = Canopy.LogWriter.new_for_file(path)
            for i in range(10):
                m = Canopy.Message.new(0x100 + i, False, bytes([i]))
                m.set_timestamp(1700000000.0 + i)
                writer.write(m)
                if i % 3 == 0:
                    writer.log_event("step %d" % i, -1)
            marker = Canopy.LogEvent.new_marker(int(1700000020 * 1e9), "Group", "Name", "Text")
            writer.write_event(marker)
            writer.close()

            reader = Canopy.LogReader.new_for_file(path)
            items = []
            while True:
                ok, msg, event = reader.next_with_events()
                if not ok:
                    break
                if event is not None:
                    self.assertIsNone(event.get_text())
                    items.append((event.get_kind(), event.get_group(), event.get_marker(),
                                  event.get_description(), event.get_timestamp_ns()))
                else:
                    items.append(msg.get_arbitration_id())
            self.assertEqual(len(items), 15)
            self.assertEqual(items[0], 0x100)
            self.assertEqual(items[1][:3], (Canopy.LogEventKind.MARKER, "step 0", "canopy"))
            self.assertEqual(items[1][4], int(1700000000 * 1e9))
            self.assertEqual(items[-1], (Canopy.LogEventKind.MARKER, "Group", "Name", "Text",
                                         int(1700000020 * 1e9)))
            types = reader.dup_object_types()
            self.assertEqual(list(types), [96])
            self.assertEqual(reader.get_n_objects_of_type(96), 5)
            self.assertEqual(Canopy.BlfReader.get_object_type_name(96), "GLOBAL_MARKER")


if __name__ == "__main__":
    unittest.main(verbosity=2)
