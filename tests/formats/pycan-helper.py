#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# python-can 4.1 as the peer of the format tests and benchmarks.
#
#   pycan-helper.py dump FILE     print every frame python-can reads, one per line
#   pycan-helper.py write FILE    write the frames given on stdin with python-can
#
# A frame line is: timestamp(s) id(hex) ext rtr err fd brs esi rx dlc channel data(hex|-)

import gzip
import os
import re
import sys

import can


def channel_index(channel):
    if channel is None:
        return -1
    if isinstance(channel, int):
        return channel
    m = re.search(r"(\d+)$", str(channel))
    return int(m.group(1)) if m else -1


def frame_line(msg):
    return "%r %x %d %d %d %d %d %d %d %d %d %s" % (
        float(msg.timestamp),
        msg.arbitration_id,
        int(msg.is_extended_id),
        int(msg.is_remote_frame),
        int(msg.is_error_frame),
        int(msg.is_fd),
        int(msg.bitrate_switch),
        int(msg.error_state_indicator),
        int(msg.is_rx),
        msg.dlc,
        channel_index(msg.channel),
        msg.data.hex() if len(msg.data) else "-",
    )


def open_reader(path):
    lower = path.lower()
    if lower.endswith(".asc"):
        return can.ASCReader(path, relative_timestamp=False)
    if lower.endswith(".asc.gz"):
        # python-can 4.1 has no gzip support of its own; give it the text
        import io
        return can.ASCReader(io.TextIOWrapper(gzip.open(path, "rb")), relative_timestamp=False)
    return can.LogReader(path)


def dump(path):
    out = sys.stdout
    for msg in open_reader(path):
        out.write(frame_line(msg))
        out.write("\n")


def parse_line(line):
    f = line.split()
    ts, ident, ext, rtr, err, fd, brs, esi, rx, dlc, ch, data = f
    data = b"" if data == "-" else bytes.fromhex(data)
    kwargs = dict(
        timestamp=float(ts),
        arbitration_id=int(ident, 16),
        is_extended_id=ext == "1",
        is_remote_frame=rtr == "1",
        is_error_frame=err == "1",
        is_fd=fd == "1",
        bitrate_switch=brs == "1",
        error_state_indicator=esi == "1",
        is_rx=rx == "1",
        channel=None if int(ch) < 0 else int(ch),
        data=data,
        check=False,
    )
    if rtr == "1":
        kwargs["dlc"] = int(dlc)
    return can.Message(**kwargs)


def write(path):
    lower = path.lower()
    if lower.endswith(".log"):
        writer = can.CanutilsLogWriter(path)
    else:
        writer = can.Logger(path)
    for line in sys.stdin:
        if line.strip():
            msg = parse_line(line)
            if lower.endswith(".log") and msg.channel is not None:
                msg.channel = "can%d" % msg.channel
            writer.on_message_received(msg)
    writer.stop()


if __name__ == "__main__":
    cmd, path = sys.argv[1], sys.argv[2]
    try:
        if cmd == "dump":
            dump(path)
        elif cmd == "write":
            write(path)
        else:
            raise SystemExit("unknown command " + cmd)
    except SystemExit:
        raise
    except Exception as e:  # python-can crashes on some files; say so
        sys.stdout.flush()
        sys.stderr.write("python-can: %s: %r\n" % (type(e).__name__, e))
        sys.exit(3)
