#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Record: the Record toggle asks for a file the first time (typed into the
dialog's File entry), records the live demo traffic with the count in the
status bar, and Stop leaves a complete file that python-can 4.1 and the
engine read, with the demo bus's ids and about as many frames as the
status bar said. Rotation by size gives numbered files; recording again to
the same name makes a new numbered file instead of overwriting; a file that
cannot be created turns Record off and says why in the banner."""

import glob
import os
import re
import tempfile
import time

import can
import gi

gi.require_version("Canopy", "1.0")
from gi.repository import Canopy  # noqa: E402

from canopy_gui import *  # noqa: F401,F403,E402 (the shared GUI test helpers)

# The simulated ECUs of the virtual "demo" channel.
DEMO_IDS = {0x0C9, 0x1E5, 0x3E9, 0x1F5, 0x18FEF100}


def button(app, name):
    """A push or toggle button by its accessible name (GTK 4.8 reports
    toggle buttons as either)."""
    got = wait_for(lambda: [b for b in find_all(app, None, name, exact=True, visible=True)
                            if b.getRoleName() in ("push button", "toggle button")], 30)
    if not got:
        dump(app)
        raise AssertionError(f"no button named {name!r}")
    return got[0]


def is_on(node):
    state = node.getState()
    return state.contains(pyatspi.STATE_CHECKED) or state.contains(pyatspi.STATE_PRESSED)


_status = {}


def record_status(app):
    """The status bar's recording line ("Recording: …", then "Recorded: …"
    with the final count), or None. Walking the tree is slow over D-Bus:
    the label, once found, is kept."""
    label = _status.get("label")
    try:
        if label is not None and label.getState().contains(pyatspi.STATE_VISIBLE):
            return label.name
    except Exception:
        pass
    labels = [l for l in find_all(app, "label", "Record", visible=True)
              if l.name.startswith(("Recording:", "Recorded:"))]
    _status["label"] = labels[0] if labels else None
    return labels[0].name if labels else None


def frames_in(text):
    m = re.search(r"— ([0-9,]+) frames", text or "")
    return int(m.group(1).replace(",", "")) if m else None


def dialog(app_root, title="Record to a File"):
    got = wait_for(lambda: [w for w in app_root if w is not None and w.name == title
                            and w.getState().contains(pyatspi.STATE_VISIBLE)], 30)
    assert got, f"no {title!r} dialog"
    return got[0]


def menu_item(win, name, role="menu item"):
    # GTK 4.8 exposes the menu button and, inside it, the button that acts.
    openers = wait_for(lambda: [b for b in find_all(win, "push button", "Main Menu", exact=True)
                                if b.queryAction().nActions > 0], 30)
    assert openers, "no Main Menu button"
    click(openers[0])
    click(find_one(win, role, name))


def set_path(dlg, path, expect="Format:"):
    """Types @path into the File entry; the line under it answers (the
    format chosen by the extension, or what is wrong)."""
    entry = find_one(dlg, "text", "File")
    entry.queryEditableText().setTextContents(path)
    assert wait_for(lambda: find_all(dlg, "label", expect, visible=True), 10), \
        f"the dialog does not answer {path!r} with {expect!r}"


def read_python_can(path):
    reader = can.BLFReader(path) if path.endswith(".blf") else can.ASCReader(path)
    return [m for m in reader if not m.is_error_frame]


def read_engine(path):
    reader = Canopy.LogReader.new_for_file(path)
    frames = []
    while True:
        msg = reader.read()
        if msg is None:
            return frames
        frames.append(msg)


def record_for(app, record, seconds, shot=None):
    """Lets a recording run for @seconds (counted from its first frame
    shown), stops it with the @record toggle and returns the status line
    with the final count."""
    assert wait_for(lambda: (frames_in(record_status(app)) or 0) > 0
                    and record_status(app).startswith("Recording:"), 30), \
        "the status bar does not show the recording"
    assert is_on(record), "Record is not on while recording"
    first = record_status(app)
    time.sleep(seconds)
    log("status:", first, "…", record_status(app))
    if shot:
        screenshot(shot)
    assert frames_in(record_status(app)) > frames_in(first), "the count does not grow"
    click(record)
    assert wait_for(lambda: (record_status(app) or "").startswith("Recorded:"), 60), \
        "the status bar does not say what was recorded"
    assert wait_for(lambda: not is_on(record), 10), "Record stays on after Stop"
    text = record_status(app)
    log("status:", text)
    return text


START = time.time()


def step(*args):
    log(f"[{time.time() - START:6.1f} s]", *args)


def main():
    tmp = tempfile.mkdtemp(prefix="canopy-record-")
    app = App()
    try:
        win = app.window
        assert wait_for(lambda: len(table_rows(win, 5)) >= 5, 30), "no demo rows arrived"

        step("demo rows")
        # 1. The first time, Record asks for the file.
        record = button(win, "Record")
        click(record)
        dlg = dialog(app.root)
        first = os.path.join(tmp, "drive.blf")
        set_path(dlg, os.path.join(tmp, "drive.trc"), "cannot write")
        set_path(dlg, first, "Format: Vector binary logging format")
        screenshot("record-dialog")
        click(find_one(dlg, "push button", "Start Recording"))
        assert wait_for(lambda: is_on(record), 30), "Record is not shown as on"
        text = record_for(win, record, 2.0, shot="record")
        assert "drive.blf" in text, text
        shown = frames_in(text)

        # The status bar gave the final count once the file was complete.
        frames = read_python_can(first)
        log(f"python-can read {len(frames)} frames from {first}; the status bar said {shown}")
        assert len(frames) >= 300, f"only {len(frames)} frames in two seconds of demo traffic"
        assert len(frames) == shown, f"{len(frames)} frames in the file, {shown} shown"
        ids = {m.arbitration_id for m in frames}
        assert DEMO_IDS <= ids, f"demo ids missing: {sorted(hex(i) for i in DEMO_IDS - ids)}"
        engine_frames = read_engine(first)
        assert len(engine_frames) == len(frames), (len(engine_frames), len(frames))

        step("first recording checked")
        # 2. Recording Settings…: an ASC file rotated every 10 kB.
        menu_item(win, "Recording Settings…")
        dlg = dialog(app.root)
        rotated = os.path.join(tmp, "rotated.asc")
        set_path(dlg, rotated, "Format: Vector ASCII")
        # Typing a size turns rotation by size on.
        size = find_one(dlg, "spin button", "Rotate at size in MB")
        size.queryValue().currentValue = 0.01
        assert wait_for(lambda: abs(size.queryValue().currentValue - 0.01) < 1e-6, 10)
        assert wait_for(lambda: find_one(dlg, "check box", "Rotate at size").getState()
                        .contains(pyatspi.STATE_CHECKED), 10), "rotation by size is not on"
        click(find_one(dlg, "push button", "Start Recording"))
        text = record_for(win, record, 3.0)
        shown = frames_in(text)

        names = sorted(os.path.basename(p) for p in glob.glob(os.path.join(tmp, "rotated*.asc")))
        log("parts:", names)
        assert len(names) >= 3, f"rotation at 10 kB gave {len(names)} files in three seconds"
        numbered = [f"rotated-{i:03d}.asc" for i in range(1, len(names))]
        assert names == sorted(["rotated.asc"] + numbered), f"not numbered in order: {names}"
        assert f"and {len(names) - 1} more files" in text, text
        parts = [rotated] + [os.path.join(tmp, n) for n in numbered]
        total = 0
        for part in parts:
            got = read_python_can(part)
            assert got, f"{part} holds no frame"
            assert os.path.getsize(part) < 10000 + 2000, f"{part} is {os.path.getsize(part)} bytes"
            total += len(got)
        assert total == shown, f"{total} frames in the parts, {shown} shown"

        step("rotation checked")
        # 3. Record again: the settings are kept, nothing is overwritten.
        before = os.path.getsize(rotated), os.path.getmtime(rotated)
        click(record)
        text = record_for(win, record, 1.0)
        assert "rotated_2.asc" in text, f"a second recording does not go to a new file: {text}"
        assert (os.path.getsize(rotated), os.path.getmtime(rotated)) == before, "the first recording changed"
        assert read_python_can(os.path.join(tmp, "rotated_2.asc")), "the new numbered file is empty"

        step("numbered new file checked")
        # 4. A file that cannot be created: Record goes off, the banner says why.
        menu_item(win, "Recording Settings…")
        dlg = dialog(app.root)
        set_path(dlg, os.path.join(tmp, "no-such-folder", "drive.asc"))
        click(find_one(dlg, "push button", "Start Recording"))
        banner = wait_for(lambda: find_all(win, "label", "Recording failed", visible=True), 30)
        assert banner, "a file that cannot be created is not reported in the window"
        log("banner:", banner[0].name)
        assert wait_for(lambda: not is_on(record), 10), "Record stays on after the failure"
        screenshot("record-error")
    except BaseException:
        screenshot("record-failure")
        raise
    finally:
        app.quit()
    log("ok")


if __name__ == "__main__":
    main()
