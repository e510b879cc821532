# SPDX-License-Identifier: LGPL-2.1-or-later
#
# The capture store and the id table as a script uses them: fed by a
# Notifier from its worker thread, read as list models on the main loop.

import os
import tempfile
import unittest

import gi

gi.require_version("Canopy", "1.0")
from gi.repository import Canopy, Gio, GLib  # noqa: E402

import can  # noqa: E402  (python3-can, the peer that reads what we wrote)


def run_until(predicate, timeout=10.0):
    """Runs the default main context until predicate() holds."""
    context = GLib.MainContext.default()
    end = GLib.get_monotonic_time() + int(timeout * 1e6)
    while not predicate() and GLib.get_monotonic_time() < end:
        if not context.iteration(False):
            GLib.usleep(1000)
    return predicate()


class CaptureStoreThroughNotifier(unittest.TestCase):
    def test_store_and_table(self):
        store = Canopy.CaptureStore.new()
        table = Canopy.IdTable.new()
        sender = Canopy.Bus.new("virtual", "gi-models", None)
        receiver = Canopy.Bus.new("virtual", "gi-models", None)
        notifier = Canopy.Notifier.new([receiver], [store, table])
        changes = []
        store.connect("items-changed", lambda _m, pos, removed, added: changes.append((pos, removed, added)))

        sent = []
        for i in range(500):
            if i % 5 == 4:
                m = Canopy.Message.new(0x18DAF100 + i % 3, True, bytes([i % 256]) * 12)
            else:
                m = Canopy.Message.new(0x100 + i % 4, False, i.to_bytes(2, "big"))
            self.assertTrue(sender.send(m, 1.0))
            sent.append((m.get_arbitration_id(), bytes(m.get_data()), m.is_fd()))

        self.assertTrue(run_until(lambda: store.get_n_items() == 500))
        self.assertTrue(notifier.stop(5.0))
        self.assertEqual(store.props.n_captured, 500)
        self.assertEqual(store.props.n_items, 500)
        self.assertEqual(store.props.n_dropped, 0)
        self.assertIsInstance(store, Gio.ListModel)
        self.assertEqual(store.get_item_type().name, "CanopyFrameItem")
        # Batches appended at the end, never a frame at a time.
        self.assertLess(len(changes), 500)
        self.assertTrue(all(removed == 0 for _pos, removed, _added in changes))

        got = []
        for i in range(store.get_n_items()):
            item = store.get_item(i)
            self.assertEqual(item.get_position(), i)
            msg = item.get_message()
            got.append((msg.get_arbitration_id(), bytes(msg.get_data()), msg.is_fd()))
        self.assertEqual(got, sent)

        ok, msg = store.get_message(499)
        self.assertTrue(ok)
        self.assertEqual(msg.get_arbitration_id(), sent[499][0])
        self.assertIsNone(store.get_item(500))

        # One row per id, in first-seen order, counts and periods.
        self.assertTrue(run_until(lambda: table.get_n_items() == 7))
        first_seen = list(dict.fromkeys(arbitration_id for arbitration_id, _d, _fd in sent))
        rows = [table.get_item(i) for i in range(7)]
        self.assertEqual([row.props.arbitration_id for row in rows], first_seen)
        for row in rows:
            frames = [f for f in sent if f[0] == row.props.arbitration_id]
            self.assertEqual(row.get_count(), len(frames))
            self.assertEqual(bytes(row.get_message().get_data()), frames[-1][1])
            self.assertGreaterEqual(row.props.period_mean_ns, 0)
            self.assertLessEqual(row.props.period_min_ns, row.props.period_max_ns)

        # Written out through a log writer, python-can reads it back.
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "capture.blf")
            writer = Canopy.LogWriter.new_for_file(path)
            self.assertTrue(store.write(writer, 0, GLib.MAXUINT, None))
            self.assertTrue(writer.close())
            with can.BLFReader(path) as reader:
                read = [(m.arbitration_id, bytes(m.data), m.is_fd) for m in reader]
            self.assertEqual(read, sent)

        sender.shutdown()
        receiver.shutdown()

    def test_ring_and_pause(self):
        store = Canopy.CaptureStore.new()
        store.props.memory_limit = 1
        frames = [Canopy.Message.new(i % 0x800, False, b"\x00") for i in range(10000)]
        for m in frames:
            store.append(m)
        self.assertTrue(run_until(lambda: store.get_n_items() > 0))
        # The ring kept only the chunk being filled and counted the rest.
        self.assertEqual(store.props.n_dropped + store.get_n_items(), 10000)
        self.assertEqual(store.props.n_dropped, 8192)
        self.assertEqual(store.get_item(0).get_position(), 8192)

        store.props.paused = True
        store.append(frames[0])
        GLib.usleep(50000)
        run_until(lambda: False, 0.05)
        self.assertEqual(store.get_n_items(), 10000 - 8192)
        store.props.paused = False
        self.assertTrue(run_until(lambda: store.get_n_items() == 10000 - 8192 + 1))


if __name__ == "__main__":
    unittest.main(verbosity=2)
