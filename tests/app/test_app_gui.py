#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""The real Canopy window under gui-session (Xvfb + AT-SPI), driven through
its accessibility tree as a person would: live demo rows, per-ID mode with
growing counts, pause, the connect dialog (a refused connection shown in
words, then a remote bus whose frames this test sends through the engine),
and the status figures. A screenshot of each state is kept in
$CANOPY_SCREENSHOTS. Run with LANG=C: the accessible names are the English
ones scripts rely on."""

import os
import re
import subprocess
import sys
import threading
import time

import pyatspi

APP = os.environ["CANOPY_APP"]
SERVER = os.environ["CANOPY_SERVER"]
SHOTS = os.environ.get("CANOPY_SCREENSHOTS", "screenshots")
os.makedirs(SHOTS, exist_ok=True)


def log(*args):
    print(*args, flush=True)


def find_all(node, role=None, name=None, exact=False, showing=False):
    out = []

    def walk(n, depth=0):
        try:
            if depth > 60:
                return
            if showing and not n.getState().contains(pyatspi.STATE_SHOWING):
                return
            nm = n.name or ""
            if (role is None or n.getRoleName() == role) and (
                    name is None or (nm == name if exact else name.lower() in nm.lower())):
                out.append(n)
            for c in n:
                if c is not None:
                    walk(c, depth + 1)
        except Exception:
            pass                                   # a node vanished while we looked
    walk(node)
    return out


def find_one(node, role, name, exact=True, timeout=10.0):
    got = wait_for(lambda: find_all(node, role, name, exact, showing=True), timeout)
    if not got:
        dump(node)
        raise AssertionError(f"no {role} named {name!r}")
    return got[0]


def wait_for(pred, timeout=10.0):
    end = time.time() + timeout
    while time.time() < end:
        try:
            got = pred()
        except Exception:
            got = None
        if got:
            return got
        time.sleep(0.1)
    return None


def click(node):
    action = node.queryAction()
    for i in range(action.nActions):
        if action.getName(i) in ("click", "press", "activate", "toggle"):
            return action.doAction(i)
    raise RuntimeError(f"{node.name!r} has no click action")


def dump(node, depth=0, out=sys.stdout):
    try:
        out.write("  " * depth + f"{node.getRoleName()}: {node.name!r}\n")
        for c in node:
            if c is not None and depth < 25:
                dump(c, depth + 1, out)
    except Exception:
        pass


def screenshot(name):
    path = os.path.join(SHOTS, name + ".png")
    subprocess.run(["import", "-window", "root", path], check=True)
    log("screenshot", path)


def table_rows(app):
    """The trace's rows as lists of cell texts, top to bottom."""
    tables = find_all(app, "table", "Trace", exact=True, showing=True)
    if not tables:
        return []
    rows = []
    for row in find_all(tables[0], "table row", showing=True):
        cells = []
        for cell in find_all(row, "table cell"):
            labels = find_all(cell, "label")
            cells.append(labels[0].name if labels else (cell.name or ""))
        if cells:
            rows.append(cells)
    return rows


def column_titles(app):
    tables = find_all(app, "table", "Trace", exact=True, showing=True)
    return [h.name for h in find_all(tables[0], "column header")] if tables else []


def status_value(app, caption):
    """The number in a status label such as 'Frames: 12,345'."""
    labels = find_all(app, "label", caption + ":", showing=True)
    if not labels:
        return None
    m = re.search(r"([-0-9.,]+)", labels[0].name.split(":", 1)[1])
    return float(m.group(1).replace(",", "")) if m else None


def main():
    # A remote server on its own virtual channel: the bus this test feeds.
    server = subprocess.Popen([SERVER, "-i", "virtual", "-c", "gui-test", "-p", "0"],
                              stdout=subprocess.PIPE, text=True)
    line = server.stdout.readline()
    port = int(re.search(r"port (\d+)", line).group(1))
    log("server:", line.strip())

    app_process = subprocess.Popen([APP], stderr=subprocess.PIPE, text=True)
    stderr_lines = []
    threading.Thread(target=lambda: stderr_lines.extend(app_process.stderr), daemon=True).start()

    try:
        desktop = pyatspi.Registry.getDesktop(0)
        app = wait_for(lambda: [a for a in desktop if a is not None and a.name == "canopy"], 20)
        assert app, "the application did not appear on the accessibility bus"
        app = app[0]
        frame = find_one(app, "frame", "Canopy")
        log("window:", frame.name)

        # 1. Live demo rows arrive within a second or two, with the names.
        rows = wait_for(lambda: len(table_rows(app)) >= 10 and table_rows(app), 10)
        assert rows, "no demo rows arrived"
        titles = column_titles(app)
        log("columns:", titles)
        for title in ("Time", "ID", "DLC", "Data"):
            assert title in titles, f"no column {title!r} in {titles}"
        for role, name in (("push button", "Disconnect"), ("toggle button", "Pause"),
                           ("toggle button", "Per ID")):
            find_one(app, role, name)
        assert find_all(app, None, "Main Menu", exact=True), "no Main Menu"
        frames_before = status_value(app, "Frames")
        assert wait_for(lambda: status_value(app, "Frames") > frames_before + 20, 5), "Frames does not grow"
        assert wait_for(lambda: (status_value(app, "Frames/s") or 0) > 10, 5), "Frames/s stays 0"
        time.sleep(1.5)                              # a few plot samples
        screenshot("01-live-trace")

        # 2. Per ID: one row per id, counts growing.
        click(find_one(app, "toggle button", "Per ID"))
        titles = wait_for(lambda: "Count" in column_titles(app) and column_titles(app), 5)
        assert titles, "per-ID mode shows no Count column"
        count_col = titles.index("Count")
        id_col = titles.index("ID")
        per_id = wait_for(lambda: len(table_rows(app)) >= 5 and table_rows(app), 5)
        ids = [r[id_col] for r in per_id]
        log("per-ID rows:", ids)
        assert len(ids) == len(set(ids)), f"an id appears twice: {ids}"
        first_counts = {r[id_col]: int(r[count_col]) for r in per_id}
        grown = wait_for(lambda: [r for r in table_rows(app)
                                  if r[id_col] in first_counts and int(r[count_col]) > first_counts[r[id_col]]], 5)
        assert grown, "per-ID counts do not grow"
        screenshot("02-per-id")
        click(find_one(app, "toggle button", "Per ID"))
        assert wait_for(lambda: "Count" not in column_titles(app), 5)

        # 3. Pause: the rows stop moving; resume: they move again.
        click(find_one(app, "toggle button", "Pause"))
        time.sleep(0.5)
        frozen = table_rows(app)
        time.sleep(1.5)
        assert table_rows(app) == frozen, "rows still move while paused"
        screenshot("03-paused")
        click(find_one(app, "toggle button", "Pause"))
        assert wait_for(lambda: table_rows(app) != frozen, 5), "rows do not move after resuming"

        # 4. Disconnect, then the connect dialog: a refused address is
        # explained in the dialog, then the test's remote bus connects.
        click(find_one(app, "push button", "Disconnect"))
        find_one(app, "push button", "Connect")
        stopped = table_rows(app)
        time.sleep(1.0)
        assert table_rows(app) == stopped, "rows still arrive after Disconnect"

        click(find_one(app, "push button", "Connect"))
        dialog = find_one(app, "frame", "Connect to a CAN Bus", timeout=5)
        choose_interface(app, dialog, "remote")
        channel = find_one(dialog, "text", "Channel")
        channel.queryEditableText().setTextContents("127.0.0.1:1")
        click(find_one(dialog, "push button", "Connect"))
        error = wait_for(lambda: find_all(dialog, "label", "Could not connect", showing=True), 10)
        assert error, "a refused connection shows no message in the dialog"
        log("dialog says:", error[0].name)
        screenshot("04-connect-refused")

        channel.queryEditableText().setTextContents(f"127.0.0.1:{port}")
        click(find_one(dialog, "push button", "Connect"))
        assert wait_for(lambda: not find_all(app, "frame", "Connect to a CAN Bus", exact=True, showing=True), 10), \
            "the dialog stays open after connecting"
        find_one(app, "push button", "Disconnect")

        # The frames this test sends through the engine reach the window.
        sender = threading.Thread(target=send_frames, args=(port,), daemon=True)
        sender.start()
        got = wait_for(lambda: [r for r in table_rows(app) if "7E5" in r], 10)
        assert got, "the frames sent to the remote bus do not appear"
        log("remote row:", got[-1])
        assert any("DE AD BE EF 01 02 03 04" in cell for cell in got[-1]), got[-1]
        assert wait_for(lambda: (status_value(app, "Frames") or 0) >= 5, 5), "status figures do not count the remote frames"
        time.sleep(1.0)
        screenshot("05-remote-bus")
        stop_sending.set()
    finally:
        app_process.terminate()
        try:
            app_process.wait(10)
        except subprocess.TimeoutExpired:
            app_process.kill()
        server.terminate()
        server.wait(10)

    bad = [l for l in stderr_lines if "CRITICAL" in l or "WARNING" in l or "Gtk-" in l]
    assert not bad, "GTK/GLib complained:\n" + "".join(bad)
    log("ok")


stop_sending = threading.Event()


def send_frames(port):
    import gi
    gi.require_version("Canopy", "1.0")
    from gi.repository import Canopy

    bus = Canopy.Bus.new("remote", f"127.0.0.1:{port}", None)
    msg = Canopy.Message.new(0x7E5, False, bytes([0xDE, 0xAD, 0xBE, 0xEF, 1, 2, 3, 4]))
    while not stop_sending.is_set():
        bus.send(msg, 1.0)
        time.sleep(0.1)
    bus.shutdown()


def choose_interface(app, dialog, name):
    """Opens the Interface drop-down and picks @name from its list."""
    combo = find_one(dialog, "combo box", "Interface")
    click(combo)
    item = wait_for(lambda: [n for n in find_all(app, None, name, exact=True, showing=True)
                             if n.getRoleName() in ("list item", "label", "menu item")], 5)
    if not item:
        dump(app)
        raise AssertionError(f"no interface {name!r} in the drop-down")
    target = item[-1]
    while target is not None and target.getRoleName() not in ("list item", "menu item"):
        target = target.parent
    if target is not None:
        try:
            click(target)
        except RuntimeError:
            target.querySelection() if False else None
    assert wait_for(lambda: find_all(dialog, "label", name, exact=True, showing=True), 5), \
        f"interface {name!r} not selected"


if __name__ == "__main__":
    main()
