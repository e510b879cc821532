# SPDX-License-Identifier: LGPL-2.1-or-later
# python3-can keeping a live trace the way a python-can program does: a
# producer thread makes a can.Message per frame and appends it to a list
# (what a BufferedReader or a list-keeping Listener holds), for the same
# frames as bench-capture's producer.
# "id-table": the per-id statistics of bench-capture's id table (count,
# last/min/max period, changed bytes) kept in a dict, a can.Message per frame.
# Usage: bench_capture_pythoncan.py N classic|fd|id-table
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


def feed_id_table(n):
    table = {}
    for i in range(n):
        h = mix(i + 1)
        msg = can.Message(timestamp=1.7e9 + i * 1e-4, arbitration_id=i % 1000, channel=(i // 1000) % 2,
                          is_extended_id=False, data=h.to_bytes(8, "little"))
        key = (msg.channel, msg.arbitration_id, msg.is_extended_id)
        row = table.get(key)
        if row is None:
            table[key] = [msg, 1, msg.timestamp, None, None, None, 0]
            continue
        previous = row[0]
        period = msg.timestamp - previous.timestamp
        changed = 0
        for j, (a, b) in enumerate(zip(previous.data, msg.data)):
            if a != b:
                changed |= 1 << j
        row[0] = msg
        row[1] += 1
        row[3] = period
        row[4] = period if row[4] is None else min(row[4], period)
        row[5] = period if row[5] is None else max(row[5], period)
        row[6] = changed
    return table


def main():
    n = int(sys.argv[1])
    if sys.argv[2] == "id-table":
        start = time.perf_counter()
        table = feed_id_table(n)
        seconds = time.perf_counter() - start
        assert len(table) == 2000
        print(n, seconds, 0)
        return
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
