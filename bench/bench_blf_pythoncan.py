# SPDX-License-Identifier: LGPL-2.1-or-later
# python-can 4.1's BLFReader / BLFWriter on the frames of a BLF file that
# bench-blf wrote. Prints one line per measurement:
#   read FRAMES_PER_S
#   write LEVEL FRAMES_PER_S BYTES_PER_FRAME
import os
import sys
import time

import can

src, tmp = sys.argv[1], sys.argv[2]
levels = [int(x) for x in sys.argv[3:]] or [-1]

t0 = time.perf_counter()
msgs = list(can.BLFReader(src))
t1 = time.perf_counter()
print("read %.0f" % (len(msgs) / (t1 - t0)))
sys.stdout.flush()

for level in levels:
    t0 = time.perf_counter()
    writer = can.BLFWriter(tmp, compression_level=level)
    for msg in msgs:
        writer.on_message_received(msg)
    writer.stop()
    t1 = time.perf_counter()
    print("write %d %.0f %.3f" % (level, len(msgs) / (t1 - t0), os.path.getsize(tmp) / len(msgs)))
    sys.stdout.flush()

os.unlink(tmp)
