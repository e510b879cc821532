# SPDX-License-Identifier: LGPL-2.1-or-later
# The python3-can way to random access in a log: read every frame into a
# list (python-can's readers only stream). Prints:
#   load SECONDS BYTES_PER_FRAME
#   random SECONDS   (1000 random accesses into the list)
import random
import resource
import sys
import time

import can


def rss_bytes():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * resource.getpagesize()


path = sys.argv[1]
reader = can.BLFReader(path) if path.endswith(".blf") else can.LogReader(path)
before = rss_bytes()
t0 = time.perf_counter()
msgs = list(reader)
t1 = time.perf_counter()
after = rss_bytes()
print("load %.3f %.1f" % (t1 - t0, (after - before) / max(len(msgs), 1)))

rng = random.Random(7)
t0 = time.perf_counter()
for _ in range(1000):
    m = msgs[rng.randrange(len(msgs))]
    m.arbitration_id
t1 = time.perf_counter()
print("random %.6f" % (t1 - t0))
