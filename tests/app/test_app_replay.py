#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""The Replay pane, driven through the accessibility tree: a log from
../shared/testdata opened in the window becomes the replay source; the app
connects to a canopy-server on a virtual channel and plays the log onto it,
and this test receives the frames on a second bus (a remote client through
the engine's typelib): every frame, in order, with the file's ids and data
(python-can reads the same file for the expectation) and roughly the file's
timing at speed 1. Pause holds the flow and Resume restarts it, Stop ends
it, speed 2 halves the duration, a channel map that names no channel of
the log leaves every frame out, and a missing file is an error in the
pane. A screenshot of the pane while it plays is kept in
$CANOPY_SCREENSHOTS."""

import faulthandler
import os
import re
import subprocess
import threading
import time

import can
import gi
import pyatspi

gi.require_version("Canopy", "1.0")
from gi.repository import Canopy  # noqa: E402

from canopy_gui import *  # noqa: E402,F401,F403 (the shared GUI test helpers)

TESTDATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "shared", "testdata")
# 1457 classic frames over 7.94 s, 10 and 20 ms apart: long enough to pause
# in, short enough to play three times.
LOG = os.path.realpath(os.path.join(TESTDATA, "python-can", "issue_1256.asc"))


class Receiver:
    """A second bus on the server's channel, as a remote client: every
    frame the app plays arrives here, with the time it arrived."""

    def __init__(self, port):
        self.bus = Canopy.Bus.new("remote", f"127.0.0.1:{port}", None)
        self.frames = []                # (monotonic seconds, id, data bytes)
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self):
        while not self.stopping.is_set():
            msg = self.bus.recv(0.2)
            if msg is None:
                continue
            arrived = time.monotonic()
            data = bytes(msg.get_data())[:msg.get_dlc()]
            with self.lock:
                self.frames.append((arrived, msg.get_arbitration_id(), data))

    def count(self):
        with self.lock:
            return len(self.frames)

    def take(self):
        with self.lock:
            frames, self.frames = self.frames, []
        return frames

    def settled(self, quiet=1.0, timeout=30):
        """Waits until nothing has arrived for @quiet seconds."""
        def still():
            before = self.count()
            time.sleep(quiet)
            return self.count() == before
        return wait_for(still, timeout)

    def close(self):
        self.stopping.set()
        self.thread.join(5)
        self.bus.shutdown()


def expected_frames():
    with can.LogReader(LOG) as reader:
        frames = [(m.timestamp, m.arbitration_id, bytes(m.data)) for m in reader]
    assert len(frames) > 1000, f"python-can read only {len(frames)} frames of {LOG}"
    return frames


def assert_same_frames(got, expected, what):
    assert len(got) == len(expected), f"{what}: {len(got)} frames arrived, {len(expected)} expected"
    for i, ((_, gid, gdata), (_, eid, edata)) in enumerate(zip(got, expected)):
        assert (gid, gdata) == (eid, edata), \
            f"{what}: frame {i} is {gid:03X} {gdata.hex()}, the file has {eid:03X} {edata.hex()}"


def assert_timing_follows(got, expected, speed, what):
    """Loosely: at checkpoints through the log, the time since the first
    frame arrived matches the recorded offset (at @speed) within half a
    second, and the whole replay takes about the recorded span."""
    t0, r0 = got[0][0], expected[0][0]
    worst = 0.0
    for i in range(0, len(got), 50):
        arrived = got[i][0] - t0
        recorded = (expected[i][0] - r0) / speed
        worst = max(worst, abs(arrived - recorded))
        assert abs(arrived - recorded) < 0.5, \
            f"{what}: frame {i} arrived {arrived:.3f} s after the first, recorded {recorded:.3f} s"
    span = got[-1][0] - t0
    recorded = (expected[-1][0] - r0) / speed
    log(f"{what}: {span:.3f} s for {recorded:.3f} s recorded, worst checkpoint {worst * 1000:.0f} ms off")
    # The player never sends early; the network may bunch the first frames.
    assert span >= recorded - 0.25, f"{what}: took {span:.3f} s, the file spans {recorded:.3f} s"
    assert span < recorded + 1.5, f"{what}: took {span:.3f} s, the file spans {recorded:.3f} s"
    return span


def sensitive(node):
    return node.getState().contains(pyatspi.STATE_SENSITIVE)


def entry_text(node):
    # GTK 4.8 answers nothing for the end offset -1.
    text = node.queryText()
    return text.getText(0, text.characterCount)


def label_starting(pane, prefix):
    labels = [l for l in find_all(pane, "label", prefix) if l.name.startswith(prefix)]
    return labels[0].name if labels else ""


def number_in(text):
    """The number in a text such as 'Frames sent: 1,457' (grouped or not,
    as the locale has it)."""
    m = re.search(r"\d[\d,.]*", text)
    return int(re.sub(r"[,.]", "", m.group(0))) if m else None


def set_spin(spin, value):
    """Sets a spin button through its accessible value, as assistive
    technologies do."""
    spin.queryValue().currentValue = float(value)
    assert wait_for(lambda: abs(spin.queryValue().currentValue - value) < 1e-6, 10), \
        f"{spin.name} shows {spin.queryValue().currentValue}, not {value}"


def choose_interface(dialog, description):
    """Selects the interface whose description (shown under the Interface
    field) contains @description, through the combo box's selection."""
    combo = find_one(dialog, "combo box", "Interface")
    selection = combo.querySelection()

    def texts():
        return sorted(l.name for l in find_all(dialog, "label", visible=True))
    for index in range(64):
        before = texts()
        if not selection.selectChild(index):
            break
        wait_for(lambda: texts() != before, 2)
        if any(description in t for t in texts()):
            return
    raise AssertionError(f"no interface described as {description!r}")


def connect_remote(app, port):
    """Connects the window to the test's server through the connect dialog."""
    menu_buttons = find_all(app.window, "push button", "Main Menu", exact=True)
    click([b for b in menu_buttons if b.queryAction().nActions > 0][0])
    click(find_one(app.window, "menu item", "Connect…"))
    dialog = wait_for(lambda: [w for w in app.root if w is not None and w.name == "Connect to a CAN Bus"], 30)
    assert dialog, "no connect dialog"
    dialog = dialog[0]
    choose_interface(dialog, "Remote CAN server")
    channel = find_one(find_one(dialog, "combo box", "Channel"), "text", "GtkEntry")
    channel.queryEditableText().setTextContents(f"127.0.0.1:{port}")
    click(find_one(dialog, "push button", "Connect"))
    assert wait_for(lambda: find_all(app.window, "label", f"127.0.0.1:{port}"), 30), \
        "the window does not show the remote bus"


def play_and_wait(pane, receiver, play, what):
    click(play)
    assert wait_for(lambda: label_starting(pane, "Finished:"), 60), \
        f"{what}: the pane never says Finished (it says {label_starting(pane, 'Stopped') or '?'})"
    assert receiver.settled(), f"{what}: frames keep arriving after the replay finished"
    return receiver.take()


def replay(app, receiver, port, expected):
    # The log opens in the window; the Replay toggle shows the pane, whose
    # source is that log.
    assert wait_for(lambda: find_all(app.window, "label", "issue_1256.asc"), 30), "the log does not open"
    click(find_one(app.window, "push button", "Replay"))
    pane = find_one(app.window, "panel", "Replay")
    source = find_one(pane, "text", "Replay Source")
    assert wait_for(lambda: os.path.realpath(entry_text(source)) == LOG, 10), \
        f"the replay source is {entry_text(source)!r}, not the open log"
    play = find_one(pane, "push button", "Play")
    for name in ("Stop", "Choose…", "Add Channel Mapping"):
        find_one(pane, "push button", name)
    for name in ("Loop", "Ignore Timestamps"):
        find_one(pane, "check box", name)
    speed = find_one(pane, "spin button", "Speed")
    for name in ("Minimum Gap", "Skip Pauses Longer Than"):
        find_one(pane, "spin button", name)
    assert not sensitive(play), "Play is offered with no bus to play onto"

    connect_remote(app, port)
    assert wait_for(lambda: sensitive(play), 30), "Play stays off once connected"
    assert os.path.realpath(entry_text(source)) == LOG, "connecting changed the replay source"

    # 1. Speed 1: every frame, in order, with the file's timing.
    click(play)
    assert wait_for(lambda: receiver.count() > 100, 30), "no replayed frames arrive"
    screenshot("replay-pane")
    assert wait_for(lambda: label_starting(pane, "Finished:"), 60), "the replay does not finish"
    assert receiver.settled(), "frames keep arriving after the replay finished"
    got = receiver.take()
    assert_same_frames(got, expected, "speed 1")
    span_1 = assert_timing_follows(got, expected, 1.0, "speed 1")
    assert number_in(label_starting(pane, "Frames sent:")) == len(expected), \
        label_starting(pane, "Frames sent:")
    log(label_starting(pane, "Finished:"), "|", label_starting(pane, "Lag:"))

    # 2. Pause holds the flow, Resume restarts it, Stop ends it. At half
    # speed the log lasts 16 s: time enough for a slow accessibility bus.
    set_spin(speed, 0.5)
    pause = find_one(pane, "push button", "Pause")     # the same button becomes Resume
    stop = find_one(pane, "push button", "Stop")
    click(play)
    assert wait_for(lambda: receiver.count() > 20, 30), "no frames arrive on the second replay"
    click(pause)
    assert wait_for(lambda: pause.name == "Resume", 10), f"the Pause button is named {pause.name!r} when paused"
    assert receiver.settled(0.5), "frames keep arriving while paused"
    held = receiver.count()
    time.sleep(1.5)
    assert receiver.count() == held, f"{receiver.count() - held} frames arrived while paused"
    assert label_starting(pane, "Paused"), "the pane does not say it is paused"
    lag = label_starting(pane, "Lag:")
    assert re.match(r"Lag: \d+\.\d ms \(max \d+\.\d ms\)$", lag), f"the lag reads {lag!r}"
    log(f"paused after {held} frames;", label_starting(pane, "Frames sent:"), "|", lag)
    click(pause)
    assert wait_for(lambda: receiver.count() > held + 20, 30), "the flow does not restart on Resume"
    assert pause.name == "Pause", f"the Resume button is named {pause.name!r} after resuming"
    click(stop)
    stopped = wait_for(lambda: label_starting(pane, "Stopped after"), 30)
    assert stopped, "the pane does not say the replay stopped: " + (label_starting(pane, "Finished:") or "?")
    assert receiver.settled(), "frames keep arriving after Stop"
    got = receiver.take()
    log(stopped, f"({len(got)} frames arrived)")
    assert len(expected) > len(got) > held, f"Stop let {len(got)} of {len(expected)} frames through"
    assert number_in(stopped) == len(got), f"{stopped!r}, but {len(got)} frames arrived"
    assert_same_frames(got, expected[:len(got)], "paused and stopped")
    time.sleep(1.0)
    assert receiver.count() == 0, "frames arrive after Stop"
    assert sensitive(play), "Play is not offered again after Stop"

    # 3. Speed 2: the same frames in half the time.
    set_spin(speed, 2)
    got = play_and_wait(pane, receiver, play, "speed 2")
    assert_same_frames(got, expected, "speed 2")
    span_2 = assert_timing_follows(got, expected, 2.0, "speed 2")
    ratio = span_2 / span_1
    log(f"speed 2 took {ratio:.2f} of the time at speed 1")
    assert 0.4 < ratio < 0.65, f"speed 2 took {span_2:.2f} s, speed 1 {span_1:.2f} s"

    # 4. A channel map that names no channel of the log leaves every
    # frame out, and says so.
    click(find_one(pane, "push button", "Add Channel Mapping"))
    set_spin(find_one(pane, "spin button", "Log Channel"), 5)
    find_one(pane, "spin button", "Bus Channel")
    got = play_and_wait(pane, receiver, play, "channel 5 only")
    assert not got, f"{len(got)} frames of channel 0 went out though only channel 5 is mapped"
    left_out = wait_for(lambda: label_starting(pane, "Left out:"), 10)
    assert left_out and number_in(left_out) == len(expected), f"the pane says {left_out!r}"
    screenshot("replay-pane-finished")
    click(find_one(pane, "push button", "Remove Mapping"))
    assert wait_for(lambda: find_all(pane, "label", "Every channel as recorded", visible=True), 10), \
        "the mapping is not removed"

    # 5. A file that cannot be read is an error shown in the pane.
    source.queryEditableText().setTextContents("/nonexistent/replay.asc")
    assert wait_for(lambda: sensitive(play), 10)
    click(play)
    failed = wait_for(lambda: label_starting(pane, "The replay failed:"), 30)
    assert failed, "a missing file shows no error in the pane"
    log(failed)
    assert sensitive(play), "Play is not offered again after a failure"


def main():
    # A hang shows where it is before meson's timeout ends the test silently.
    faulthandler.dump_traceback_later(540, exit=True)
    expected = expected_frames()
    server = subprocess.Popen([SERVER, "-i", "virtual", "-c", "replay-test", "-p", "0"],
                              stdout=subprocess.PIPE, text=True)
    receiver = app = None
    try:
        port = int(re.search(r"port (\d+)", server.stdout.readline()).group(1))
        receiver = Receiver(port)
        app = App([LOG])
        replay(app, receiver, port, expected)
    except BaseException:
        screenshot("replay-failure")
        raise
    finally:
        if receiver is not None:
            receiver.close()
        if app is not None:
            app.quit()
        server.terminate()
        server.wait(10)
    log("ok")

if __name__ == "__main__":
    main()
