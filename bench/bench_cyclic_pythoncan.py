# SPDX-License-Identifier: LGPL-2.1-or-later
#
# python3-can's send_periodic on its virtual bus, for bench-cyclic: runs a
# 1 ms and a 10 ms task for the given seconds and prints, per frame
# received, "<id in hex> <timestamp in seconds>". The virtual bus stamps
# each frame with time.time() as it is sent, as Canopy's stamps it with the
# wall clock, so both are measured the same way on the sending side.

import sys
import time

import can

duration = float(sys.argv[1])

tx = can.Bus(interface="virtual", channel="bench-cyclic", receive_own_messages=False)
rx = can.Bus(interface="virtual", channel="bench-cyclic")

fast = tx.send_periodic(can.Message(arbitration_id=0x001, data=[1] * 8, is_extended_id=False), 0.001)
slow = tx.send_periodic(can.Message(arbitration_id=0x010, data=[2] * 8, is_extended_id=False), 0.010)
time.sleep(duration)
fast.stop()
slow.stop()

lines = []
while True:
    m = rx.recv(0)
    if m is None:
        break
    lines.append("%x %.9f" % (m.arbitration_id, m.timestamp))
sys.stdout.write("\n".join(lines) + "\n")
tx.shutdown()
rx.shutdown()
