# SPDX-License-Identifier: LGPL-2.1-or-later
#
# The peer of bench-dbc: Debian's python3-canmatrix doing the same work.
#
#   bench_dbc_canmatrix.py decode DBC FRAMES   random frames of every message
#   bench_dbc_canmatrix.py log DBC BLF FRAMES  the first FRAMES of a BLF log
#                                              (python-can) decoded to CSV
#
# Prints "frames N values N seconds S".

import csv
import io
import logging
import random
import sys
import time

logging.disable(logging.CRITICAL)
import canmatrix.formats  # noqa: E402


def load(path):
    matrix = list(canmatrix.formats.loadp(path).values())[0]
    return {(f.arbitration_id.id, f.arbitration_id.extended): f for f in matrix.frames
            if f.name != "VECTOR__INDEPENDENT_SIG_MSG"}


def decode_random(dbc, n):
    frames = load(dbc)
    rng = random.Random(1)
    messages = list(frames.values())
    work = []
    for _ in range(n):
        f = rng.choice(messages)
        work.append((f.arbitration_id.id, f.arbitration_id.extended,
                     bytes(rng.getrandbits(8) for _ in range(f.size))))
    values = 0
    done = 0
    start = time.process_time()
    for arbitration_id, extended, data in work:
        try:
            values += len(frames[(arbitration_id, extended)].decode(data))
        except Exception:
            continue
        done += 1
    return done, values, time.process_time() - start


def decode_log(dbc, blf, n):
    import can

    frames = load(dbc)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["time", "message", "signal", "value", "unit"])
    values = 0
    done = 0
    start = time.process_time()
    with can.BLFReader(blf) as reader:
        for msg in reader:
            if done >= n:
                break
            done += 1
            frame = frames.get((msg.arbitration_id, msg.is_extended_id))
            if frame is None:
                continue
            try:
                decoded = frame.decode(bytes(msg.data))
            except Exception:
                continue
            for name, signal in decoded.items():
                writer.writerow(["%.6f" % msg.timestamp, frame.name, name, signal.phys_value,
                                 signal.signal.unit])
                values += 1
    return done, values, time.process_time() - start


def main():
    if sys.argv[1] == "decode":
        frames, values, seconds = decode_random(sys.argv[2], int(sys.argv[3]))
    else:
        frames, values, seconds = decode_log(sys.argv[2], sys.argv[3], int(sys.argv[4]))
    print("frames %d values %d seconds %.6f" % (frames, values, seconds))


if __name__ == "__main__":
    main()
