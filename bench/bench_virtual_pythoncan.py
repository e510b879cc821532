# SPDX-License-Identifier: LGPL-2.1-or-later
# python-can's virtual bus measured as bench-virtual measures Canopy's:
# prints "frames_per_second latency_p50_us latency_p99_us".
import struct
import sys
import threading
import time

import can

n_frames = int(sys.argv[1])
n_samples = int(sys.argv[2])


class Counter(can.Listener):
    def __init__(self, target, record=False):
        self.count = 0
        self.target = target
        self.done = threading.Event()
        self.last = 0.0
        self.latencies = [] if record else None

    def on_message_received(self, msg):
        now = time.monotonic_ns()
        self.count += 1
        self.last = now
        if self.latencies is not None:
            self.latencies.append(now - struct.unpack("<q", msg.data)[0])
        if self.count == self.target:
            self.done.set()


def throughput():
    sender = can.Bus(interface="virtual", channel="bench")
    receiver = can.Bus(interface="virtual", channel="bench")
    counter = Counter(n_frames)
    notifier = can.Notifier(receiver, [counter], timeout=0.05)
    msg = can.Message(arbitration_id=0x123, is_extended_id=False, data=bytes(range(1, 9)))
    start = time.monotonic_ns()
    for i in range(n_frames):
        msg.arbitration_id = i & 0x7FF
        sender.send(msg)
    counter.done.wait(60)
    notifier.stop()
    sender.shutdown()
    receiver.shutdown()
    return counter.count / ((counter.last - start) / 1e9)


def latency():
    sender = can.Bus(interface="virtual", channel="lat")
    receiver = can.Bus(interface="virtual", channel="lat")
    counter = Counter(n_samples, record=True)
    notifier = can.Notifier(receiver, [counter], timeout=0.05)
    for _ in range(n_samples):
        sender.send(can.Message(arbitration_id=0x100, is_extended_id=False,
                                data=struct.pack("<q", time.monotonic_ns())))
        time.sleep(0.0002)
    time.sleep(0.1)
    notifier.stop()
    sender.shutdown()
    receiver.shutdown()
    lat = sorted(counter.latencies)
    return lat[len(lat) // 2] / 1000, lat[int(len(lat) * 0.99)] / 1000


fps = throughput()
p50, p99 = latency()
print(f"{fps:.0f} {p50:.1f} {p99:.1f}")
