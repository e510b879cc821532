# SPDX-License-Identifier: LGPL-2.1-or-later
# python3-can doing what bench-formats' child does: write N frames of the
# same mix with can.Logger, read them back with can.LogReader.
# Prints "write_s read_s bytes frames_read peak_rss_kb write_cpu_s read_cpu_s". Messages are built
# in chunks of 10,000 outside the timed part, so only writing is counted.
import os
import resource
import sys
import time

import can

M64 = (1 << 64) - 1


def mix(x):
    x &= M64
    x ^= x >> 33
    x = (x * 0xFF51AFD7ED558CCD) & M64
    x ^= x >> 33
    x = (x * 0xC4CEB9FE1A85EC53) & M64
    x ^= x >> 33
    return x


def make_frame(i):
    h = mix(i + 1)
    kind = h % 100
    ts = (1700000000000000000 + i * 250000 + ((h >> 40) % 200) * 1000) / 1e9
    channel = (h >> 8) & 1
    if kind < 70:
        return can.Message(timestamp=ts, channel=channel, arbitration_id=(h >> 12) & 0x7FF,
                           is_extended_id=False,
                           data=bytes(mix(h + j) & 0xFF for j in range(8)))
    if kind < 85:
        return can.Message(timestamp=ts, channel=channel, arbitration_id=(h >> 12) & 0x1FFFFFFF,
                           is_extended_id=True,
                           data=bytes(mix(h + j) & 0xFF for j in range(8)))
    if kind < 95:
        n = (h >> 44) % 9
        return can.Message(timestamp=ts, channel=channel, arbitration_id=(h >> 12) & 0x7FF,
                           is_extended_id=False,
                           data=bytes(mix(h + j) & 0xFF for j in range(n)))
    if kind < 99:
        return can.Message(timestamp=ts, channel=channel, arbitration_id=(h >> 12) & 0x7FF,
                           is_extended_id=False, is_fd=True, bitrate_switch=True,
                           data=bytes(mix(h + j) & 0xFF for j in range(64)))
    return can.Message(timestamp=ts, channel=channel, arbitration_id=(h >> 12) & 0x7FF,
                       is_extended_id=False, is_remote_frame=True, dlc=(h >> 44) % 9)


def cpu():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def main():
    n = int(sys.argv[1])
    path = sys.argv[2]

    if path.endswith(".log"):
        writer = can.CanutilsLogWriter(path)
    else:
        writer = can.Logger(path)
    write_s = 0.0
    write_cpu = 0.0
    for start in range(0, n, 10000):
        chunk = [make_frame(i) for i in range(start, min(n, start + 10000))]
        t0 = time.perf_counter()
        c0 = cpu()
        for msg in chunk:
            writer.on_message_received(msg)
        write_s += time.perf_counter() - t0
        write_cpu += cpu() - c0
    t0 = time.perf_counter()
    c0 = cpu()
    writer.stop()
    write_s += time.perf_counter() - t0
    write_cpu += cpu() - c0

    t0 = time.perf_counter()
    c0 = cpu()
    count = 0
    for _ in can.LogReader(path):
        count += 1
    read_s = time.perf_counter() - t0
    read_cpu = cpu() - c0

    print("%.6f %.6f %d %d %d %.6f %.6f" % (write_s, read_s, os.path.getsize(path), count,
                                            resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                                            write_cpu, read_cpu))


main()
