#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""The Transmit pane, driven through the accessibility tree as a person
would: the application connects to a remote server (canopy-server on a
virtual channel) and a cyclic message is added through the editor (0x321,
01 02 03 04, every 50 ms) and started. The test then sees its rows in the
trace as Tx about 50 ms apart, receives the frames itself through a second
remote client on the same server at their period, changes the data while
the message runs (no frame missing around the change), turns on the
counter byte (one more per frame), stops it (the frames stop), and starts
the application again: the message is still listed, not sending. The
settings live in a keyfile of the test's own, so that they survive the
restart. A screenshot of the pane is kept in $CANOPY_SCREENSHOTS."""

import os
import re
import shutil
import subprocess
import tempfile
import threading
import time

import pyatspi

from canopy_gui import *  # noqa: F401,F403 (the shared GUI test helpers)

PERIOD = 0.050
# A loaded machine now and then wakes the scheduler a period late: that
# deadline is skipped (and counted as missed), which lengthens the mean.
TOLERANCE = 0.05
T0 = time.monotonic()
ID = 0x321


class Receiver:
    """A second remote client of the same server: every frame with our id,
    as (timestamp, data)."""

    def __init__(self, port):
        import gi
        gi.require_version("Canopy", "1.0")
        from gi.repository import Canopy

        self.bus = Canopy.Bus.new("remote", f"127.0.0.1:{port}", None)
        self.frames = []
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self):
        while not self.stopping.is_set():
            msg = self.bus.recv(0.2)
            if msg is not None and msg.get_arbitration_id() == ID:
                with self.lock:
                    self.frames.append((msg.get_timestamp(), bytes(msg.get_data())))

    def snapshot(self):
        with self.lock:
            return list(self.frames)

    def count(self):
        with self.lock:
            return len(self.frames)

    def wait_for(self, pred, timeout=30.0):
        return wait_for(lambda: pred(self.snapshot()), timeout)

    def close(self):
        self.stopping.set()
        self.thread.join(5)
        self.bus.shutdown()


def pane_table(window):
    tables = find_all(window, "tree table", "Transmit Messages", exact=True, visible=True)
    return tables[0] if tables else None


def pane_rows(window):
    """The pane's rows: (cell texts, row accessible). The Send cell holds
    the row's toggle."""
    table = pane_table(window)
    if table is None:
        return []
    lists = [c for c in table if c is not None and c.getRoleName() == "list"]
    if not lists:
        return []
    rows = []
    for row in lists[0]:
        if row is None or row.getRoleName() != "table row":
            continue
        cells = []
        for cell in row:
            child = cell[0] if cell is not None and cell.childCount else None
            if child is None:
                cells.append("")
            elif child.getRoleName() == "label":
                cells.append(cell_text(child))
            else:
                cells.append(child.name)
        rows.append((cells, row))
    return rows


def pane_columns(window):
    table = pane_table(window)
    header = table[0]
    return [cell_text(t[0][0]) for t in header if t is not None and t.childCount and t[0].childCount]


def row_of(window, id_text):
    got = [r for r in pane_rows(window) if id_text in r[0]]
    return got[0] if got else None


def send_toggle(row):
    found = [cell[0] for cell in row if cell is not None and cell.childCount
             and cell[0].name == "Send Periodically"]
    assert found, "the row has no Send Periodically toggle"
    return found[0]


def is_checked(node):
    states = node.getState()
    return states.contains(pyatspi.STATE_CHECKED) or states.contains(pyatspi.STATE_PRESSED)


def editor(app, title):
    found = wait_for(lambda: [w for w in app.root if w is not None and w.name == title
                              and w.getState().contains(pyatspi.STATE_VISIBLE)], 30)
    assert found, f"no window {title!r}"
    return found[0]


def set_field(dialog, name, text):
    entry = find_one(dialog, "text", name)
    entry.queryEditableText().setTextContents(text)
    def shown():
        t = entry.queryText()
        return t.getText(0, t.characterCount) == text
    assert wait_for(shown, 10), f"{name} does not take {text!r}"


def save_editor(app, dialog, title):
    click(find_one(dialog, "push button", "Save"))
    gone = wait_for(lambda: not [w for w in app.root if w is not None and w.name == title
                                 and w.getState().contains(pyatspi.STATE_VISIBLE)], 30)
    if not gone:
        errors = [l.name for l in find_all(dialog, "label", visible=True)]
        raise AssertionError(f"the editor stays open: {errors}")


def intervals(frames):
    return [b[0] - a[0] for a, b in zip(frames, frames[1:])]


def trace_tx_rows(window):
    """The trace's Tx rows of our id, as (seconds, data), the newest ten.
    The accessible rows are the row widgets GTK keeps (the rows on screen
    and more), in no particular order: all of them are read, four cells
    each, and sorted by time; the newest are the consecutive frames at the
    end of the trace."""
    titles = column_titles(window)
    cols = [titles.index(t) for t in ("Time", "ID", "Direction", "Data")]
    rows_node = trace_list(window)
    found = set()
    for i in range(rows_node.childCount if rows_node is not None else 0):
        row = rows_node[i]
        if row is None or row.getRoleName() != "table row":
            continue
        try:
            time_text, id_text, direction, data = (cell_text(row[c][0]) for c in cols)
            if id_text.strip().upper() == "321" and direction == "Tx":
                found.add((float(time_text), data))
        except Exception:
            pass                                   # an unbound row widget
    return sorted(found)[-10:]


def set_paused(window, paused):
    """Pauses or resumes the trace, and waits until it is so (a click sent
    right after another one can be lost)."""
    # The header's Pause (the Replay pane has a Pause of its own, further
    # up the tree: the header bar comes last).
    buttons = wait_for(lambda: [b for b in find_all(window, "push button", "Pause", exact=True, visible=True)
                                if b.getState().contains(pyatspi.STATE_SENSITIVE)], 30)
    assert buttons, "no Pause button for the trace"
    button = buttons[-1]
    for _ in range(3):
        if is_checked(button) == paused:
            return
        click(button)
        if wait_for(lambda: is_checked(button) == paused, 10):
            return
    raise AssertionError(f"the trace does not {'pause' if paused else 'resume'}")


def fresh_tx_rows(window):
    """trace_tx_rows() of a second of live traffic. The trace stays paused
    otherwise: a trace scrolling 20 rows a second floods the accessibility
    bus with changes, and every query of this test waits behind them."""
    set_paused(window, False)
    time.sleep(1.0)
    set_paused(window, True)
    time.sleep(0.5)
    return trace_tx_rows(window)


def start_app(port, env):
    app = App(args=["-i", "remote", "-c", f"127.0.0.1:{port}"], env=env)
    assert wait_for(lambda: find_all(app.window, "label", f"127.0.0.1:{port}"), 30), \
        "the window does not name the remote bus:\n" + app.stderr()
    # GTK 4.8 shows a toggle button with an action as a push button.
    toggle = wait_for(lambda: [b for b in find_all(app.window, None, "Transmit", exact=True, visible=True)
                               if b.getRoleName() in ("toggle button", "push button")], 30)
    assert toggle, "no Transmit toggle"
    click(toggle[0])
    find_one(app.window, "push button", "Add Message")
    set_paused(app.window, True)                         # see fresh_tx_rows()
    return app


def main():
    # Settings in a keyfile of our own: the list must survive a restart.
    config = tempfile.mkdtemp(prefix="canopy-transmit-")
    env = dict(os.environ, GSETTINGS_BACKEND="keyfile", XDG_CONFIG_HOME=config)

    server = subprocess.Popen([SERVER, "-i", "virtual", "-c", "transmit-test", "-p", "0"],
                              stdout=subprocess.PIPE, text=True)
    line = server.stdout.readline()
    port = int(re.search(r"port (\d+)", line).group(1))
    log("server:", line.strip())
    receiver = Receiver(port)
    app = None

    try:
        app = start_app(port, env)
        window = app.window
        for name in ("Add Message", "Edit Message", "Duplicate Message", "Remove Message",
                     "Send Once", "Start All", "Stop All"):
            find_one(window, "push button", name)
        assert pane_rows(window) == [], "a fresh pane lists messages"
        log("columns:", pane_columns(window))

        # Add the message through the editor.
        click(find_one(window, "push button", "Add Message"))
        dialog = editor(app, "New Transmit Message")
        set_field(dialog, "ID", "321")
        set_field(dialog, "Data", "01 02 03 04")
        set_field(dialog, "Period (ms)", "50")
        save_editor(app, dialog, "New Transmit Message")
        row = wait_for(lambda: row_of(window, "321"), 30)
        assert row, f"the new message is not listed: {pane_rows(window)}"
        log(f"row ({time.monotonic() - T0:.0f} s):", row[0])
        assert "01 02 03 04" in row[0] and "50" in row[0], row[0]
        assert not is_checked(send_toggle(row[1])), "a new message sends by itself"
        assert receiver.count() == 0, "frames went out before Start"

        # Start it with the row's toggle.
        click(send_toggle(row[1]))
        assert wait_for(lambda: is_checked(send_toggle(row_of(window, "321")[1])), 10), \
            "the toggle does not show the message running"

        # (b) The second client receives it at its period (the mean over
        # 100 frames: the first and the last one's latency hardly count).
        got = receiver.wait_for(lambda f: len(f) >= 101 and f, 60)
        assert got, f"only {receiver.count()} frames arrived"
        first = got[:101]
        assert all(d == b"\x01\x02\x03\x04" for _, d in first), first[:3]
        mean = (first[-1][0] - first[0][0]) / (len(first) - 1)
        log(f"received period ({time.monotonic() - T0:.0f} s): {mean * 1000:.2f} ms")
        assert abs(mean - PERIOD) / PERIOD < TOLERANCE, f"period {mean * 1000:.2f} ms, not 50 ms"

        # (a) Its rows in the trace, as Tx, about 50 ms apart; paused, so
        # that the rows stand still while they are read.
        tx = fresh_tx_rows(window)
        assert len(tx) >= 6, f"no Tx rows of 321 in the trace: {table_rows(window, 5)}"
        gaps = intervals(tx)
        log(f"trace Tx rows ({time.monotonic() - T0:.0f} s):", tx[:2], "gaps (ms):",
            [round(g * 1000, 1) for g in gaps])
        assert all("01 02 03 04" in d for _, d in tx), tx
        median = sorted(gaps)[len(gaps) // 2]
        assert abs(median - PERIOD) / PERIOD < 0.10, f"trace rows {median * 1000:.1f} ms apart"

        # The live figures: sent grows, the achieved period is the period.
        titles = pane_columns(window)
        sent_col, achieved_col = titles.index("Sent"), titles.index("Achieved (ms)")
        sent_before = int(row_of(window, "321")[0][sent_col].replace(",", ""))
        assert wait_for(lambda: int(row_of(window, "321")[0][sent_col].replace(",", "")) > sent_before + 5, 10), \
            "the Sent count does not grow"
        achieved = float(row_of(window, "321")[0][achieved_col])
        log(f"achieved period shown: {achieved} ms")
        assert abs(achieved - 50) / 50 < TOLERANCE, f"achieved {achieved} ms"

        # (c) New data while it runs: the frames go on without a gap.
        click(find_one(window, "push button", "Edit Message"))
        dialog = editor(app, "Edit Transmit Message")
        set_field(dialog, "Data", "05 06 07 08")
        before_edit = receiver.count()
        save_editor(app, dialog, "Edit Transmit Message")
        got = receiver.wait_for(lambda f: len([1 for _, d in f if d == b"\x05\x06\x07\x08"]) >= 20 and f, 30)
        assert got, "the new data does not arrive"
        around = got[max(0, before_edit - 20):]
        first_new = next(i for i, (_, d) in enumerate(around) if d == b"\x05\x06\x07\x08")
        assert all(d == b"\x05\x06\x07\x08" for _, d in around[first_new:first_new + 20]), \
            "the old data came back after the new"
        # The new payload takes the next slot: no gap, the schedule kept.
        change_gap = around[first_new][0] - around[first_new - 1][0]
        log(f"data change ({time.monotonic() - T0:.0f} s): gap {change_gap * 1000:.1f} ms")
        assert change_gap < 2 * PERIOD, f"a frame is missing at the change: {change_gap * 1000:.1f} ms"
        tx = fresh_tx_rows(window)
        assert tx and "05 06 07 08" in tx[-1][1], f"the trace does not show the new data: {tx[-3:]}"
        assert "05 06 07 08" in row_of(window, "321")[0], row_of(window, "321")[0]

        # (d) The counter byte: byte 3 one more in each frame, still no gap.
        click(find_one(window, "push button", "Edit Message"))
        dialog = editor(app, "Edit Transmit Message")
        set_field(dialog, "Counter Byte", "3")
        before_edit = receiver.count()
        save_editor(app, dialog, "Edit Transmit Message")

        def counted(frames):
            after = frames[before_edit:]
            start = next((i for i in range(1, len(after)) if after[i][1][3] == (after[i - 1][1][3] + 1) % 256), None)
            return start is not None and len(after) - start >= 15 and after[start - 1:]
        run = receiver.wait_for(counted, 30)
        assert run, f"byte 3 does not count: {[d.hex() for _, d in receiver.snapshot()[-8:]]}"
        log(f"counter ({time.monotonic() - T0:.0f} s):", [d[3] for _, d in run[:16]])
        for (_, a), (_, b) in zip(run, run[1:]):
            assert b[:3] == b"\x05\x06\x07", b
            assert b[3] == (a[3] + 1) % 256, f"byte 3 goes from {a[3]} to {b[3]}"
        assert "Byte 3" in row_of(window, "321")[0], row_of(window, "321")[0]
        set_paused(window, False)                            # the trace live for the picture
        time.sleep(1.5)
        screenshot("transmit")
        set_paused(window, True)

        # (e) Stopped: the frames stop.
        click(send_toggle(row_of(window, "321")[1]))
        assert wait_for(lambda: not is_checked(send_toggle(row_of(window, "321")[1])), 10), \
            "the toggle still shows the message running"
        time.sleep(0.5)                    # frames on their way may still land
        stopped_at = receiver.count()
        time.sleep(1.0)
        assert receiver.count() == stopped_at, "frames still arrive after Stop"
        sent_text = row_of(window, "321")[0][sent_col]
        log("sent:", sent_text)

        app.quit()
        app = None

        # Started again: the message is listed as it was, and does not send.
        before_restart = receiver.count()
        app = start_app(port, env)
        window = app.window
        row = wait_for(lambda: row_of(window, "321"), 30)
        assert row, f"the message did not come back: {pane_rows(window)}"
        log("restored row:", row[0])
        assert "05 06 07 08" in row[0] and "Byte 3" in row[0] and "50" in row[0], row[0]
        assert not is_checked(send_toggle(row[1])), "the restored message shows as sending"
        time.sleep(1.5)
        assert receiver.count() == before_restart, "the restored message sends by itself"
        screenshot("transmit-restored")
        app.quit()
        app = None
    except BaseException:
        screenshot("transmit-failure")
        raise
    finally:
        if app is not None:
            app.quit()
        receiver.close()
        server.terminate()
        server.wait(10)
        shutil.rmtree(config, ignore_errors=True)

    log(f"ok ({time.monotonic() - T0:.0f} s)")


if __name__ == "__main__":
    main()
