# SPDX-License-Identifier: LGPL-2.1-or-later
# python3-can doing what bench-rotating does: write N classic frames with
# can.Logger (ROTATE_BYTES 0) or can.SizedRotatingLogger.
#   bench_rotating_pythoncan.py N PATH ROTATE_BYTES
# Prints "write_s cpu_s files". Messages are built before the timed part.
import os
import resource
import sys
import time

import can


def cpu():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def main():
    n = int(sys.argv[1])
    path = sys.argv[2]
    rotate = int(sys.argv[3])
    frames = [
        can.Message(timestamp=1700000000.0 + i * 0.00025, arbitration_id=0x100 + i % 0x400,
                    is_extended_id=False, data=bytes((i * 31 + j) & 0xFF for j in range(8)))
        for i in range(n)
    ]
    c0, t0 = cpu(), time.perf_counter()
    if rotate > 0:
        logger = can.SizedRotatingLogger(base_filename=path, max_bytes=rotate)
    else:
        logger = can.Logger(path)
    for msg in frames:
        logger.on_message_received(msg)
    logger.stop()
    t1, c1 = time.perf_counter(), cpu()
    files = len(os.listdir(os.path.dirname(path)))
    print("%f %f %d" % (t1 - t0, c1 - c0, files))


if __name__ == "__main__":
    main()
