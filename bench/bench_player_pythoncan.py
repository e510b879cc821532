# SPDX-License-Identifier: LGPL-2.1-or-later
#
# python3-can's player (can.LogReader + can.MessageSync, as its canplayer)
# replaying a log onto its virtual bus, for bench-player: prints the
# timestamp (time.time() at sending, stamped by the virtual bus) of each
# frame received, one per line, in order.

import sys

import can

path = sys.argv[1]

tx = can.Bus(interface="virtual", channel="bench-player", receive_own_messages=False)
rx = can.Bus(interface="virtual", channel="bench-player")

for msg in can.MessageSync(can.LogReader(path), timestamps=True, skip=3600):
    tx.send(msg)

lines = []
while True:
    m = rx.recv(0)
    if m is None:
        break
    lines.append("%.9f" % m.timestamp)
sys.stdout.write("\n".join(lines) + "\n")
tx.shutdown()
rx.shutdown()
