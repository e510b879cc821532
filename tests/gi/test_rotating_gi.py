# SPDX-License-Identifier: LGPL-2.1-or-later
#
# A rotating writer as a script (or the application's record toggle) uses
# it: a Listener of a Notifier, its properties notified on the main loop,
# and the parts read back by python-can.

import os
import tempfile
import unittest

import gi

gi.require_version("Canopy", "1.0")
from gi.repository import Canopy, GLib  # noqa: E402

import can  # noqa: E402  (python3-can, the peer that reads what we wrote)


def run_until(predicate, timeout=10.0):
    context = GLib.MainContext.default()
    end = GLib.get_monotonic_time() + int(timeout * 1e6)
    while not predicate() and GLib.get_monotonic_time() < end:
        if not context.iteration(False):
            GLib.usleep(1000)
    return predicate()


class RotatingWriterFromPython(unittest.TestCase):
    def test_notifier_by_size(self):
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "live.log")
            writer = Canopy.RotatingWriter.new(path, 4096, 0)
            self.assertIsInstance(writer, Canopy.LogWriter)
            self.assertIsInstance(writer, Canopy.Listener)
            self.assertEqual(writer.get_format(), "candump")
            self.assertEqual(writer.props.current_path, path)
            self.assertEqual(writer.props.n_files, 1)

            seen = {}
            writer.connect("notify", lambda _w, pspec: seen.__setitem__(pspec.name, seen.get(pspec.name, 0) + 1))

            sender = Canopy.Bus.new("virtual", "gi-rotating", None)
            receiver = Canopy.Bus.new("virtual", "gi-rotating", None)
            notifier = Canopy.Notifier.new([receiver], [writer])
            sent = []
            for i in range(400):
                m = Canopy.Message.new(0x200 + i % 16, False, i.to_bytes(4, "big"))
                self.assertTrue(sender.send(m, 1.0))
                sent.append((m.get_arbitration_id(), bytes(m.get_data())))

            self.assertTrue(run_until(lambda: writer.props.written == 400))
            self.assertTrue(run_until(lambda: "n-files" in seen and "current-path" in seen))
            self.assertTrue(notifier.stop(5.0))  # closes the writer (Listener.stop)
            self.assertIsNone(writer.dup_error())

            n = writer.props.n_files
            self.assertGreaterEqual(n, 3)
            paths = [writer.dup_file_path(i) for i in range(n)]
            self.assertEqual(paths[0], path)
            self.assertEqual(paths[1], os.path.join(tmp, "live-001.log"))
            self.assertEqual(writer.props.current_path, paths[-1])
            self.assertIsNone(writer.dup_file_path(n))
            self.assertEqual(sorted(os.listdir(tmp)), sorted(os.path.basename(p) for p in paths))

            got = []
            for p in paths:
                part = [(m.arbitration_id, bytes(m.data)) for m in can.LogReader(p)]
                self.assertTrue(part)
                got.extend(part)
            self.assertEqual(got, sent)

    def test_write_by_time(self):
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "rec.asc")
            writer = Canopy.RotatingWriter.new(path, 0, 1.0)
            self.assertEqual(writer.props.rotate_time, 1.0)
            t0 = 1700000000.0
            for i in range(50):
                m = Canopy.Message.new(0x123, False, bytes([i]))
                m.set_timestamp(t0 + i * 0.1)
                self.assertTrue(writer.write(m))
            self.assertTrue(writer.close())
            self.assertEqual(writer.props.n_files, 5)
            for k in range(5):
                frames = list(can.ASCReader(writer.dup_file_path(k), relative_timestamp=False))
                self.assertEqual([m.data[0] for m in frames], list(range(k * 10, k * 10 + 10)))

    def test_unwritable(self):
        with self.assertRaises(GLib.Error):
            Canopy.RotatingWriter.new("/nonexistent-dir/x.blf", 0, 1.0)


if __name__ == "__main__":
    unittest.main()
