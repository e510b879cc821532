# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Signal databases from Python, through GObject introspection.

import os
import time
import unittest

import gi

gi.require_version("Canopy", "1.0")
from gi.repository import Canopy, GLib  # noqa: E402

DBC = os.path.join(os.environ.get("CANOPY_TESTDATA", ""), "dbc")


class DatabaseFromPython(unittest.TestCase):
    def test_decode_a_frame(self):
        db = Canopy.Database.new_from_file(os.path.join(DBC, "toyota_prius_2010_pt.dbc"))
        message = db.lookup_message_by_name("SPEED")
        self.assertEqual(message.get_arbitration_id(), 0xB4)
        self.assertIs(db.lookup_message(0xB4, False), message)
        # SPEED: 47|16@0+ (0.0062,0) mph; bytes 5–6 big-endian.
        frame = Canopy.Message.new(0xB4, False, bytes([0, 0, 0, 0, 0, 0x27, 0x10, 0]))
        values = {v.get_name(): v.get_value() for v in db.decode(frame)}
        self.assertAlmostEqual(values["SPEED"], 62.0)
        speed = [v for v in db.decode(frame) if v.get_name() == "SPEED"][0]
        self.assertEqual(speed.get_raw(), 10000)
        self.assertEqual(speed.get_unit(), "mph")

        with self.assertRaises(GLib.Error):
            db.decode(Canopy.Message.new(0x7FF, False, b"\x00"))

    def test_encode_round_trip(self):
        db = Canopy.Database.new_from_file(os.path.join(DBC, "vw_mqb.dbc"))
        message = db.lookup_message_by_name("ESP_21")
        ok, frame = message.encode(["ESP_v_Signal"], [88.5])
        self.assertTrue(ok)
        values = {v.get_name(): v for v in db.decode(frame)}
        self.assertAlmostEqual(values["ESP_v_Signal"].get_value(), 88.5, places=2)

        with self.assertRaises(GLib.Error) as raised:
            message.encode(["ESP_v_Signal"], [1e9])
        self.assertIn("ESP_v_Signal", raised.exception.message)

    def test_value_text(self):
        db = Canopy.Database.new_from_file(os.path.join(DBC, "toyota_prius_2010_pt.dbc"))
        message = db.lookup_message_by_name("GEAR_PACKET")
        signal = message.lookup_signal("GEAR")
        self.assertIsNotNone(signal)
        texts = [signal.get_value_text(raw) for raw in range(64)]
        self.assertTrue(any(t is not None for t in texts))

    def test_signal_task(self):
        db = Canopy.Database.new_from_file(os.path.join(DBC, "vw_mqb.dbc"))
        message = db.lookup_message_by_name("ESP_21")
        tx = Canopy.Bus.new("virtual", "dbc-gi", None)
        rx = Canopy.Bus.new("virtual", "dbc-gi", None)
        task = Canopy.SignalTask.new(tx, message, 0.005)
        task.set_counter("COUNTER")
        task.set_checksum("CHECKSUM", Canopy.ChecksumKind.CRC8_H2F, bytes([0xB4] * 16))
        task.set_value("ESP_v_Signal", 42.0)
        task.start()
        counters = []
        for _ in range(5):
            frame = rx.recv(2.0)
            values = {v.get_name(): v.get_value() for v in db.decode(frame)}
            self.assertAlmostEqual(values["ESP_v_Signal"], 42.0, places=2)
            counters.append(int(values["COUNTER"]))
        task.stop()
        self.assertEqual(counters, [(counters[0] + i) % 16 for i in range(5)])

    def test_checksum(self):
        self.assertEqual(Canopy.checksum_compute(Canopy.ChecksumKind.CRC8_SAE_J1850, b"123456789"), 0x4B)


if __name__ == "__main__":
    unittest.main(verbosity=2)
