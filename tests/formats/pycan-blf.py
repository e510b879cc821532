# SPDX-License-Identifier: LGPL-2.1-or-later
#
# The python-can side of the BLF interop tests, run with Debian's
# python3-can 4.1:
#   pycan-blf.py read FILE         frames python-can reads, one line each
#   pycan-blf.py write FILE [LVL]  such lines on stdin -> BLF written by python-can
#   pycan-blf.py header FILE       python-can's view of the file header
#
# A frame line: timestamp id ext rtr err fd brs esi rx dlc channel data
# (flags 0/1, channel -1 for none, data in hex or "-" when empty).

import json
import sys

import can


def frame_to_line(msg):
    flags = [msg.is_extended_id, msg.is_remote_frame, msg.is_error_frame, msg.is_fd,
             msg.bitrate_switch, msg.error_state_indicator, msg.is_rx]
    channel = msg.channel if isinstance(msg.channel, int) else -1
    data = bytes(msg.data).hex() or "-"
    return "%r %d %s %d %d %s" % (msg.timestamp, msg.arbitration_id,
                                  " ".join("1" if f else "0" for f in flags),
                                  msg.dlc, channel, data)


def main():
    cmd, path = sys.argv[1], sys.argv[2]
    if cmd == "read":
        out = sys.stdout
        for msg in can.BLFReader(path):
            out.write(frame_to_line(msg) + "\n")
    elif cmd == "write":
        level = int(sys.argv[3]) if len(sys.argv) > 3 else -1
        writer = can.BLFWriter(path, compression_level=level)
        for line in sys.stdin:
            f = line.split()
            if len(f) == 3 and f[0] == "event":
                writer.log_event(f[2], float(f[1]))
                continue
            if len(f) != 12:
                continue
            b = [x == "1" for x in f[2:9]]
            channel = int(f[10])
            msg = can.Message(
                timestamp=float(f[0]),
                arbitration_id=int(f[1]),
                is_extended_id=b[0],
                is_remote_frame=b[1],
                is_error_frame=b[2],
                is_fd=b[3],
                bitrate_switch=b[4],
                error_state_indicator=b[5],
                is_rx=b[6],
                dlc=int(f[9]),
                channel=channel if channel >= 0 else None,
                data=bytes.fromhex(f[11]) if f[11] != "-" else b"",
                check=False,
            )
            writer.on_message_received(msg)
        writer.stop()
    elif cmd == "header":
        r = can.BLFReader(path)
        print(json.dumps({"start": repr(r.start_timestamp), "stop": repr(r.stop_timestamp),
                          "count": r.object_count, "file_size": r.file_size,
                          "uncompressed_size": r.uncompressed_size}))
    else:
        sys.exit("unknown command " + cmd)


if __name__ == "__main__":
    main()
