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

from canopy_gui import *  # noqa: F401,F403 (the shared GUI test helpers)

SERVER = os.environ["CANOPY_SERVER"]


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
        app = wait_for(lambda: [a for a in desktop if a is not None and a.name == "canopy"]
                       or app_process.poll() is not None, 60)
        assert app_process.poll() is None, \
            f"the application exited ({app_process.returncode}):\n" + "".join(stderr_lines)
        assert app, "the application did not appear on the accessibility bus:\n" + "".join(stderr_lines)
        app = app[0]
        frame = find_one(app, "frame", "Canopy")
        app_root, app = app, frame
        log("window:", frame.name)

        # 1. Live demo rows arrive within a second or two, with the names.
        rows = wait_for(lambda: len(table_rows(app, 12)) >= 10 and table_rows(app, 12), 30)
        assert rows, "no demo rows arrived"
        first_time = float(rows[-1][0])
        assert wait_for(lambda: float(table_rows(app, 1)[-1][0]) > first_time, 30), "the trace does not follow new rows"
        titles = column_titles(app)
        log("columns:", titles)
        for title in ("Time", "ID", "DLC", "Data"):
            assert title in titles, f"no column {title!r} in {titles}"
        for name in ("Disconnect", "Pause", "Per ID", "Main Menu"):
            find_one(app, "push button", name)
        frames_before = status_value(app, "Frames")
        assert wait_for(lambda: status_value(app, "Frames") > frames_before + 20, 30), "Frames does not grow"
        assert wait_for(lambda: (status_value(app, "Frames/s") or 0) > 10, 30), "Frames/s stays 0"
        time.sleep(1.5)                              # a few plot samples
        screenshot("01-live-trace")

        # 2. Per ID: one row per id, counts growing.
        click(find_one(app, "push button", "Per ID"))
        titles = wait_for(lambda: "Count" in column_titles(app) and column_titles(app), 30)
        assert titles, "per-ID mode shows no Count column"
        count_col = titles.index("Count")
        id_col = titles.index("ID")
        per_id = wait_for(lambda: len(table_rows(app)) >= 5 and table_rows(app), 30)
        ids = [r[id_col] for r in per_id]
        log("per-ID rows:", ids)
        assert len(ids) == len(set(ids)), f"an id appears twice: {ids}"
        first_counts = {r[id_col]: int(r[count_col]) for r in per_id}
        grown = wait_for(lambda: [r for r in table_rows(app)
                                  if r[id_col] in first_counts and int(r[count_col]) > first_counts[r[id_col]]], 5)
        assert grown, "per-ID counts do not grow"
        screenshot("02-per-id")
        click(find_one(app, "push button", "Per ID"))
        assert wait_for(lambda: "Count" not in column_titles(app), 30)

        # 3. Pause: the rows stop moving; resume: they move again.
        click(find_one(app, "push button", "Pause"))
        time.sleep(0.5)
        frozen = table_rows(app, 3)
        time.sleep(1.5)
        assert table_rows(app, 3) == frozen, "rows still move while paused"
        screenshot("03-paused")
        click(find_one(app, "push button", "Pause"))
        assert wait_for(lambda: table_rows(app, 3) != frozen, 30), "rows do not move after resuming"

        # 4. The connect dialog, opened from the main menu while connected:
        # a refused address is explained in the dialog and the demo bus goes
        # on; then the test's remote bus connects and replaces it.
        # GTK 4.8 exposes the menu button and, inside it, the button that acts.
        menu_buttons = find_all(app, "push button", "Main Menu", exact=True)
        click([b for b in menu_buttons if b.queryAction().nActions > 0][0])
        click(find_one(app, "menu item", "Connect…"))
        dialog = wait_for(lambda: [w for w in app_root if w is not None and w.name == "Connect to a CAN Bus"], 30)
        assert dialog, "no connect dialog"
        dialog = dialog[0]
        choose_interface(dialog, "Remote CAN server")
        channel = find_one(find_one(dialog, "combo box", "Channel"), "text", "GtkEntry")
        channel.queryEditableText().setTextContents("127.0.0.1:1")
        click(find_one(dialog, "push button", "Connect"))
        error = wait_for(lambda: find_all(dialog, "label", "Could not connect", visible=True), 30)
        assert error, "a refused connection shows no message in the dialog"
        log("dialog says:", error[0].name)
        screenshot("04-connect-refused")
        frames_before = status_value(app, "Frames")
        assert wait_for(lambda: status_value(app, "Frames") > frames_before + 20, 30), \
            "the demo connection stopped after a failed connect"
        find_one(app, "push button", "Disconnect")

        channel.queryEditableText().setTextContents(f"127.0.0.1:{port}")
        click(find_one(dialog, "push button", "Connect"))
        def dialog_open():
            return [w for w in app_root if w is not None and w.name == "Connect to a CAN Bus"
                    and w.getState().contains(pyatspi.STATE_VISIBLE)]
        assert wait_for(lambda: not dialog_open(), 30), "the dialog stays open after connecting"
        assert wait_for(lambda: find_all(app, "label", f"127.0.0.1:{port}"), 30), "the title does not name the new bus"

        # The frames this test sends through the engine reach the window.
        sender = threading.Thread(target=send_frames, args=(port,), daemon=True)
        sender.start()
        got = wait_for(lambda: [r for r in table_rows(app, 5) if "7E5" in r], 30)
        assert got, "the frames sent to the remote bus do not appear"
        log("remote row:", got[-1])
        assert any("DE AD BE EF 01 02 03 04" in cell for cell in got[-1]), got[-1]
        assert all("7E5" in r for r in table_rows(app, 5)), "demo frames still arrive after switching bus"
        assert wait_for(lambda: (status_value(app, "Frames") or 0) >= 5, 30), \
            "status figures do not count the remote frames"
        time.sleep(1.0)
        screenshot("05-remote-bus")

        # 5. Disconnect: the rows stay and stop, the button offers Connect.
        click(find_one(app, "push button", "Disconnect"))
        find_one(app, "push button", "Connect")
        # Frames the bus received before it closed may still be on their way
        # to the window (one batch, a sixtieth of a second; longer on a busy
        # machine): let them land, then nothing more may come.
        def settled():
            before = table_rows(app, 3)
            time.sleep(0.5)
            return before == table_rows(app, 3)
        assert wait_for(settled, 15), "rows keep arriving after Disconnect"
        stopped = table_rows(app, 3)
        time.sleep(1.0)
        assert table_rows(app, 3) == stopped, "rows still arrive after Disconnect"
        screenshot("06-disconnected")
        stop_sending.set()
    except BaseException:
        screenshot("failure")
        raise
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


def choose_interface(dialog, description):
    """Selects the interface whose description (the line the dialog shows
    under the Interface field, from the engine's registry) contains
    @description, through the combo box's accessible selection."""
    combo = find_one(dialog, "combo box", "Interface")
    selection = combo.querySelection()

    def texts():
        return sorted(l.name for l in find_all(dialog, "label", visible=True))
    for index in range(64):
        before = texts()
        if not selection.selectChild(index):
            break
        wait_for(lambda: texts() != before, 2)      # the description follows the choice
        if any(description in t for t in texts()):
            return
    raise AssertionError(f"no interface described as {description!r}")


if __name__ == "__main__":
    main()
