# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Random frames of every message of the real DBC files in
# ../shared/testdata/dbc/ decode to the same signals and values in Canopy
# (through GObject introspection) as in Debian's python3-canmatrix.

import glob
import logging
import math
import os
import random
import sys
import unittest

import gi

gi.require_version("Canopy", "1.0")
from gi.repository import Canopy  # noqa: E402

logging.disable(logging.CRITICAL)
try:
    import canmatrix.formats  # noqa: E402
except ImportError:
    canmatrix = None

FRAMES_PER_MESSAGE = 25
MASK64 = (1 << 64) - 1
DBC_DIR = os.path.join(os.environ.get("CANOPY_TESTDATA", ""), "dbc")


def close(a, b, factor):
    tolerance = 1e-9 * max(1.0, abs(a), abs(b)) + 1e-9 * abs(factor)
    return math.isclose(a, b, rel_tol=1e-12, abs_tol=tolerance)


def as_utf8(text):
    # canmatrix reads DBC text as Windows-1252; these files are UTF-8.
    if text is None:
        return None
    try:
        return text.encode("cp1252").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return text


@unittest.skipIf(canmatrix is None, "python3-canmatrix is not installed")
class AgainstCanmatrix(unittest.TestCase):
    def test_every_message_of_every_file(self):
        files = sorted(glob.glob(os.path.join(DBC_DIR, "*.dbc")))
        self.assertEqual(len(files), 5, DBC_DIR)
        rng = random.Random(20261206)
        compared_values = 0
        skipped = []

        for path in files:
            name = os.path.basename(path)
            db = Canopy.Database.new_from_file(path)
            matrix = list(canmatrix.formats.loadp(path).values())[0]

            for cm_frame in matrix.frames:
                if cm_frame.name == "VECTOR__INDEPENDENT_SIG_MSG":
                    continue
                ours = db.lookup_message(cm_frame.arbitration_id.id, cm_frame.arbitration_id.extended)
                if ours is None:
                    skipped.append("%s: %s (0x%X): not loaded by canmatrix as in the file"
                                   % (name, cm_frame.name, cm_frame.arbitration_id.id))
                    continue
                self.assertEqual(ours.get_name(), cm_frame.name)
                self.assertEqual(ours.get_size(), cm_frame.size, cm_frame.name)
                our_names = {ours.get_signal(i).get_name() for i in range(ours.get_n_signals())}
                cm_names = {s.name for s in cm_frame.signals}
                # Signals that lie outside their message are left out (the
                # parser lists them as problems); canmatrix keeps them.
                outside = cm_names - our_names
                for s in outside:
                    problems = "\n".join(db.get_problems())
                    self.assertIn("signal %s " % s, problems)

                for _ in range(FRAMES_PER_MESSAGE):
                    data = bytes(rng.getrandbits(8) for _ in range(cm_frame.size))
                    try:
                        expected = cm_frame.decode(data)
                    except Exception as e:  # canmatrix cannot decode it
                        skipped.append("%s: %s: canmatrix: %s" % (name, cm_frame.name, e))
                        break
                    frame = Canopy.Message.new(cm_frame.arbitration_id.id,
                                               cm_frame.arbitration_id.extended, data)
                    got = {v.get_name(): v for v in db.decode(frame)}
                    expected = {k: v for k, v in expected.items() if k not in outside}
                    self.assertEqual(set(got), set(expected),
                                     "%s %s %s" % (name, cm_frame.name, data.hex()))
                    for signal_name, decoded in expected.items():
                        v = got[signal_name]
                        factor = v.get_signal().get_factor()
                        if v.get_signal().get_value_type() == Canopy.SignalValueType.INTEGER:
                            # 64-bit unsigned raw values read as gint64.
                            self.assertEqual(v.get_raw() & MASK64, int(decoded.raw_value) & MASK64,
                                             signal_name)
                        self.assertTrue(close(v.get_value(), float(decoded.phys_value), factor),
                                        "%s %s %s: %r != %r" % (name, cm_frame.name, signal_name,
                                                                v.get_value(), decoded.phys_value))
                        cm_values = cm_frame.signal_by_name(signal_name).values
                        self.assertEqual(v.get_text(), as_utf8(cm_values.get(int(decoded.raw_value))),
                                         signal_name)
                        compared_values += 1

        for line in skipped:
            print("# skipped:", line)
        print("# %d signal values equal to canmatrix's" % compared_values)
        self.assertGreater(compared_values, 50000)


if __name__ == "__main__":
    unittest.main(verbosity=2)
