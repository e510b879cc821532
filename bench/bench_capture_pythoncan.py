# SPDX-License-Identifier: LGPL-2.1-or-later
# python3-can keeping a live trace the way a python-can program does: a
# producer thread makes a can.Message per frame and appends it to a list
# (what a BufferedReader or a list-keeping Listener holds), for the same
# frames as bench-capture's producer.
# Usage: bench_capture_pythoncan.py N classic|fd
# Prints "frames seconds resident_bytes".
import sys
import threading
import time

import can

M64 = (1 << 64) - 1


def mix(x):
    x &= M64
    x ^= x >> 33
    x = (x * 0xFF51AFD7ED558CCD) & M64
    x ^= x >> 33
    return x


def resident_bytes():
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * 4096


def produce(n, fd, trace):
    for i in range(n):
        h = mix(i + 1)
        if fd:
            data = h.to_bytes(8, "little") * 8
            msg = can.Message(timestamp=1.7e9 + i * 1e-4, arbitration_id=(h >> 12) & 0x7FF,
                              is_extended_id=False, is_fd=True, bitrate_switch=True, data=data)
        else:
            msg = can.Message(timestamp=1.7e9 + i * 1e-4, arbitration_id=(h >> 12) & 0x7FF,
                              is_extended_id=False, data=h.to_bytes(8, "little"))
        trace.append(msg)


def main():
    n = int(sys.argv[1])
    fd = sys.argv[2] == "fd"
    trace = []
    before = resident_bytes()
    start = time.perf_counter()
    thread = threading.Thread(target=produce, args=(n, fd, trace))
    thread.start()
    thread.join()
    seconds = time.perf_counter() - start
    after = resident_bytes()
    assert len(trace) == n
    print(n, seconds, after - before)


if __name__ == "__main__":
    main()
