# SPDX-License-Identifier: LGPL-2.1-or-later
#
# The log document from Python: open, wait for "loaded", read rows.

import os
import tempfile
import unittest

import gi

gi.require_version("Canopy", "1.0")
from gi.repository import Canopy, Gio, GLib  # noqa: E402


def write_log(path, n):
    writer = Canopy.LogWriter.new_for_file(path)
    for i in range(n):
        msg = Canopy.Message.new(0x100 + i % 7, False, bytes([i & 0xFF, (i >> 8) & 0xFF]))
        msg.set_timestamp(1700000000.0 + i * 0.001)
        writer.write(msg)
    writer.close()


class LogDocument(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()

    def tearDown(self):
        self.dir.cleanup()

    def load(self, path):
        doc = Canopy.LogDocument.new(Gio.File.new_for_path(path))
        loop = GLib.MainLoop()
        seen = []

        def on_loaded(doc, pspec):
            if doc.props.loaded:
                seen.append(doc.props.n_items)
                loop.quit()

        doc.connect("notify::loaded", on_loaded)
        doc.load_async(None, lambda d, res: d.load_finish(res))
        GLib.timeout_add_seconds(30, loop.quit)
        loop.run()
        self.assertTrue(doc.props.loaded)
        self.assertEqual(seen, [doc.props.n_items])
        return doc

    def test_blf_rows(self):
        path = os.path.join(self.dir.name, "t.blf")
        write_log(path, 5000)
        doc = self.load(path)

        self.assertEqual(doc.get_n_items(), 5000)
        self.assertEqual(doc.props.progress, 1.0)
        self.assertIsNone(doc.props.error)
        self.assertEqual(doc.get_item_type(), Canopy.FrameItem.__gtype__)

        msg = doc.get_message(4321)
        self.assertIsInstance(msg, Canopy.Message)
        self.assertEqual(msg.get_arbitration_id(), 0x100 + 4321 % 7)
        self.assertEqual(bytes(msg.get_data()), bytes([4321 & 0xFF, 4321 >> 8]))

        item = doc.get_item(17)
        self.assertEqual(item.get_position(), 17)
        self.assertEqual(item.get_message().get_arbitration_id(), 0x100 + 17 % 7)
        self.assertIsNone(doc.get_item(5000))

        summary = doc.get_summary()
        self.assertEqual(summary.get_n_frames(), 5000)
        self.assertEqual(summary.get_n_distinct_ids(), 7)

        pos = doc.find_time(int((1700000000.0 + 2.5) * 1e9))
        self.assertEqual(pos, 2500)

        with self.assertRaises(GLib.Error):
            doc.get_message(5000)

    def test_damaged_keeps_rows(self):
        path = os.path.join(self.dir.name, "t.blf")
        write_log(path, 20000)
        with open(path, "r+b") as f:
            f.truncate(os.path.getsize(path) * 2 // 3)
        doc = self.load(path)
        self.assertGreater(doc.get_n_items(), 0)
        self.assertLess(doc.get_n_items(), 20000)
        self.assertIsNotNone(doc.props.error)
        self.assertIn("offset", doc.props.error.message)


if __name__ == "__main__":
    unittest.main()
