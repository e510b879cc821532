#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Logs in the real Canopy window, driven through the accessibility tree as a
person would: a log from ../shared/testdata opened from the command line
(its rows and summary), closed and opened again from Open Recent and through
the Open dialog; a 1 M-frame BLF made here opened into the running window,
scrolled to its end while it is indexed; Go to time; Find by ID and by data;
the selected row and the live trace saved as .asc and read back with
python-can; a conversion cancelled and one with ID filters and a time window;
damaged BLFs showing their intact frames and what is wrong where. A
screenshot of each state is kept in $CANOPY_SCREENSHOTS."""

import os
import re
import shutil
import struct
import subprocess
import tempfile
import time
import zlib

import pyatspi

from canopy_gui import *  # noqa: F401,F403 (the shared GUI test helpers)

CONVERT = os.environ["CANOPY_CONVERT"]
TESTDATA = os.path.join(os.environ["CANOPY_TESTDATA"], "python-can")
PYTHON = "/usr/bin/python3"      # python-can 4.1, the peer that reads what we save

BIG_FRAMES = 1_000_000
SPECIAL = 777_777                # the one frame with ID 7AB
T0 = 1_700_000_000               # the big log's first frame, Unix seconds
IDS = ("100", "200", "300", "400")


def big_frame(i):
    """The big log's frame i, every millisecond: (candump line, id, data)."""
    if i == SPECIAL:
        ident, data = "7AB", "DEADBEEF11223344"
    else:
        ident, data = IDS[i % 4], "%02X%02X%02X%02X00000000" % (i & 255, (i >> 8) & 255, (i >> 16) & 255, i >> 24)
    return "(%d.%06d) can0 %s#%s\n" % (T0 + i // 1000, (i % 1000) * 1000, ident, data), ident, data


def make_log(path, n):
    """A candump log written here, converted to BLF by the built canopy-convert."""
    text = path + ".log"
    with open(text, "w") as f:
        f.writelines(big_frame(i)[0] for i in range(n))
    subprocess.run([CONVERT, "-q", text, path], check=True)
    os.unlink(text)


def blf_containers(data):
    """(offset, size) of each top-level object (log containers) of a BLF."""
    header_size = struct.unpack_from("<I", data, 4)[0]
    out, off = [], header_size
    while off + 16 <= len(data):
        sig, _, _, size, _ = struct.unpack_from("<4sHHII", data, off)
        assert sig == b"LOBJ", f"no object at {off}"
        out.append((off, size))
        off += size + size % 4
    return out


def intact_frames(data):
    """The frames of a damaged BLF that a reader can deliver, counted here
    with zlib and struct: the objects that lie whole in what inflates, up to
    the first damaged log container (a cut one inflates as far as it goes)."""
    stream = b""
    for off, size in blf_containers(data):
        chunk = data[off + 32:off + size]
        inflater = zlib.decompressobj()
        try:
            stream += inflater.decompress(chunk)
        except zlib.error:
            break
        if not inflater.eof:
            break
    n, pos = 0, 0
    while pos + 16 <= len(stream):
        sig, _, _, obj_size, obj_type = struct.unpack_from("<4sHHII", stream, pos)
        assert sig == b"LOBJ"
        if pos + obj_size > len(stream):
            break
        n += obj_type in (1, 86)            # CAN_MESSAGE, CAN_MESSAGE2
        pos += obj_size + obj_size % 4
    return n


def read_back(path):
    """The frames python-can 4.1 reads from a file Canopy wrote."""
    script = ("import can, json, sys\n"
              "msgs = list(can.LogReader(sys.argv[1]))\n"
              "print(json.dumps([[m.arbitration_id, m.is_extended_id, m.data.hex().upper(), m.timestamp]"
              " for m in msgs]))\n")
    out = subprocess.run([PYTHON, "-c", script, path], check=True, capture_output=True, text=True).stdout
    import json
    return json.loads(out)


def N(n):
    """A regular expression for the number @n as the window writes it: with
    the locale's thousands separators (none under LANG=C)."""
    return f"{n:,}".replace(",", "[,.\u202f\u00a0']?")


def labels(node, pattern):
    return [l for l in find_all(node, "label") if re.search(pattern, l.name or "")]


def wait_label(where, pattern, timeout=60):
    """The text of the first label matching @pattern in @where: a dialog, or
    a window, whose page in front is searched."""
    def scope():
        return front_page(where) if where.getRoleName() == "frame" and where.name == "Canopy" else where
    got = wait_for(lambda: labels(scope(), pattern), timeout)
    if not got:
        log("labels:", [l.name for l in find_all(scope(), "label")])
        raise AssertionError(f"no label {pattern!r}")
    return got[0].name


def get_text(entry):
    text = entry.queryText()
    return text.getText(0, text.characterCount)


def set_text(entry, text):
    entry.queryEditableText().setTextContents(text)
    assert wait_for(lambda: get_text(entry) == text, 5), f"{entry.name!r} does not take {text!r}"


def page_tab(app, name):
    tabs = [t for t in find_all(app, "page tab") if find_all(t, "label", name, exact=True)]
    return tabs[0] if tabs else None


def mouse_click(node):
    """A click in the middle of @node. There is no window manager under
    gui-session: the window sits at the screen's origin, so window
    coordinates are screen coordinates."""
    x, y, w, h = node.queryComponent().getExtents(pyatspi.WINDOW_COORDS)
    pyatspi.Registry.generateMouseEvent(x + w // 2, y + h // 2, pyatspi.MOUSE_B1C)
    time.sleep(0.3)


def bring_to_front(app, name):
    mouse_click(find_one(page_tab(app, name), "label", name))
    assert wait_for(lambda: page_tab(app, name).getState().contains(pyatspi.STATE_SELECTED), 10), \
        f"the {name} page does not come to the front"


def menu(window, *path):
    """Clicks through the primary menu (its popover is a child of the window)."""
    buttons = find_all(window, "push button", "Main Menu", exact=True)
    click([b for b in buttons if b.queryAction().nActions > 0][0])
    for name in path:
        click(find_one(window, "menu item", name))


def dialog(root, title):
    got = wait_for(lambda: [w for w in root if w is not None and w.name == title
                            and w.getState().contains(pyatspi.STATE_VISIBLE)], 30)
    assert got, f"no {title!r} window"
    return got[0]


def gone(root, title):
    return wait_for(lambda: not [w for w in root if w is not None and w.name == title
                                 and w.getState().contains(pyatspi.STATE_VISIBLE)], 30)


def focus_window(window):
    """A click on the status bar: the window gets the keyboard (no window
    manager gives it)."""
    mouse_click([l for l in find_all(window, "label") if (l.name or "").startswith("State:")][0])


def key(keysym):
    pyatspi.Registry.generateKeyboardEvent(keysym, None, pyatspi.KEY_SYM)


def type_text(text):
    for ch in text:
        key(ord(ch))
        time.sleep(0.01)


def selected_rows(app):
    rows_node = trace_list(app)
    out = []
    for row in rows_node:
        if row is not None and row.getRoleName() == "table row" and row.getState().contains(pyatspi.STATE_SELECTED):
            out.append([cell_text(c[0]) if c is not None and c.childCount else "" for c in row])
    return out


def main():
    tmp = tempfile.mkdtemp(prefix="canopy-logs-")
    big = os.path.join(tmp, "big.blf")
    make_log(big, BIG_FRAMES)
    log("made", big, os.path.getsize(big), "bytes")

    small = os.path.join(tmp, "small.blf")
    make_log(small, 5000)
    data = open(small, "rb").read()
    second = blf_containers(data)[1][0]
    damaged = {"truncated.blf": data[:second + 200]}        # cut inside the second container
    bad = bytearray(data)
    bad[second + 32] ^= 0x5A                                # the second container's zlib header
    damaged["flipped.blf"] = bytes(bad)
    for name, content in damaged.items():
        with open(os.path.join(tmp, name), "wb") as f:
            f.write(content)
    log("damaged copies: second container at", second)

    env = dict(os.environ, XDG_DATA_HOME=os.path.join(tmp, "data"))
    asc = os.path.join(TESTDATA, "logfile.asc")
    app = App([asc], env=env)
    window, root = app.window, app.root
    try:
        # 1. From the command line: a page with the log's rows and summary.
        assert wait_for(lambda: page_tab(window, "logfile.asc"), 30), "no page for logfile.asc"
        summary = wait_label(window, r"^\d+ frames, ")
        log("summary:", summary)
        expected = read_back(asc)
        assert summary.startswith(f"{len(expected)} frames, 8 IDs, 5 channels"), summary
        rows = wait_for(lambda: len(table_rows(window)) == len(expected) and table_rows(window), 30)
        assert rows, f"{len(table_rows(window))} rows, python-can reads {len(expected)}"
        titles = column_titles(window)
        id_col, data_col = titles.index("ID"), titles.index("Data")
        assert any(r[id_col] == "6F8" and r[data_col] == "FF 00 0C FE 00 00 00 00" for r in rows), rows
        find_one(window, "push button", "Open")
        screenshot("logs-1-command-line")

        # 2. Closed, then opened again from Open Recent.
        close = [b for b in find_all(page_tab(window, "logfile.asc"), "push button", "Close Tab", exact=True)]
        click(close[0])
        assert wait_for(lambda: page_tab(window, "logfile.asc") is None, 10), "the page does not close"
        menu(window, "Open Recent")
        recent = find_one(window, "menu item", "logfile.asc")
        screenshot("logs-2-open-recent")
        click(recent)
        assert wait_for(lambda: page_tab(window, "logfile.asc"), 30), "Open Recent does not open the log"
        wait_label(window, r"^20 frames, ")

        # 3. The Open dialog (GTK's file chooser): the path typed into it.
        blf = os.path.join(TESTDATA, "test_CanMessage2.blf")
        click(find_one(window, "push button", "Open"))
        chooser = dialog(root, "Open Log")
        time.sleep(1.0)
        type_text(blf)
        time.sleep(0.5)
        screenshot("logs-3-open-dialog")
        key(0xff0d)                                     # Return
        assert wait_for(lambda: page_tab(window, "test_CanMessage2.blf"), 30), "the Open dialog does not open the log"
        assert gone(root, "Open Log")
        wait_label(window, rf"^{len(read_back(blf))} frames, ")

        # 4. A million frames, opened into the running window by a second
        # `canopy FILE`, followed to the end while the document is indexed.
        focus_window(window)
        subprocess.run([APP, big], env=env, check=True, timeout=60)
        key(0xff57)                          # End, at once: the new page's trace has the focus
        time.sleep(0.2)
        screenshot("logs-4-indexing")
        assert wait_for(lambda: page_tab(window, "big.blf"), 30), "no page for big.blf"
        log("after End:", wait_label(window, rf"^(Reading|{N(BIG_FRAMES)} frames)"))
        summary = wait_label(window, rf"^{N(BIG_FRAMES)} frames, 5 IDs, 1 channel, 999\.999 s", 120)
        log("summary:", summary)
        last = wait_for(lambda: (r := table_rows(window, 1)) and r[-1][0] == "999.999000" and r[-1], 30)
        titles = column_titles(window)
        assert last, f"the last row is {table_rows(window, 1)}"
        _, ident, payload = big_frame(BIG_FRAMES - 1)
        assert last[titles.index("ID")] == ident, last
        assert last[titles.index("Data")].replace(" ", "") == payload, last
        screenshot("logs-5-big-end")

        # 5. Go to time (seconds from the first frame).
        set_text(find_one(front_page(window), "text", "Go to time"), "500.0005")
        click(find_one(front_page(window), "push button", "Go"))
        wait_label(window, rf"^Row {N(500_002)}$")
        got = wait_for(lambda: selected_rows(window), 10)
        assert got and got[0][0] == "500.001000", got
        screenshot("logs-6-go-to-time")

        # 6. Find by ID, then by data with a wildcard.
        find = find_one(front_page(window), "text", "Find")
        find_next = find_one(front_page(window), "push button", "Find Next")
        set_text(find, "7AB")
        click(find_next)
        wait_label(window, rf"^Row {N(SPECIAL + 1)}$")
        got = wait_for(lambda: [r for r in selected_rows(window) if r[titles.index("ID")] == "7AB"], 10)
        assert got and got[0][titles.index("Data")] == "DE AD BE EF 11 22 33 44", selected_rows(window)
        set_text(find, "400")
        click(find_next)
        wait_label(window, rf"^Row {N(SPECIAL + 3)}$")      # the next 400 after it
        set_text(find, "BE ?? 11")
        click(find_next)
        wait_label(window, rf"^Row {N(SPECIAL + 1)} \(from the top\)$")
        screenshot("logs-7-find")

        # 7. The selected row saved as .asc; python-can reads it back.
        selected_asc = os.path.join(tmp, "selected.asc")
        menu(window, "Save Trace As…")
        save = dialog(root, "Save Trace")
        set_text(find_one(save, "text", "File"), selected_asc)
        click(find_one(save, "push button", "Selected rows"))
        click(find_one(save, "push button", "Save"))
        log(wait_label(save, r"^Saved 1 frame to "))
        back = read_back(selected_asc)
        assert [(m[0], m[2]) for m in back] == [(0x7AB, "DEADBEEF11223344")], back
        screenshot("logs-8-save-selected")
        click(find_one(save, "push button", "Close"))
        assert gone(root, "Save Trace")

        # 8. The live trace: the demo bus opened beside the logs, stopped,
        # saved whole; python-can reads every frame the trace shows.
        click(find_one(window, "push button", "Connect"))
        connect = dialog(root, "Connect to a CAN Bus")
        click(find_one(connect, "push button", "Connect"))
        find_one(window, "push button", "Disconnect")
        time.sleep(2.0)                                 # some traffic
        click(find_one(window, "push button", "Disconnect"))
        find_one(window, "push button", "Connect")
        assert page_tab(window, "big.blf").getState().contains(pyatspi.STATE_SELECTED), \
            "the bus took the log page from the front"
        bring_to_front(window, "Live")

        def settled():
            before = table_rows(window, 1)
            time.sleep(0.5)
            return before and before == table_rows(window, 1) and before
        live_last = wait_for(settled, 30)[-1]
        n_live = int(status_value(window, "Frames"))
        log("live trace:", n_live, "frames, the last", live_last)
        assert n_live > 20, "the demo bus sent nothing"
        live_asc = os.path.join(tmp, "live.asc")
        menu(window, "Save Trace As…")
        save = dialog(root, "Save Trace")
        set_text(find_one(save, "text", "File"), live_asc)
        click(find_one(save, "push button", "Save"))
        log(wait_label(save, rf"^Saved {N(n_live)} frames"))
        back = read_back(live_asc)
        assert len(back) == n_live, f"python-can reads {len(back)} of {n_live} frames"
        titles = column_titles(window)
        shown_id = ("%08Xx" if back[-1][1] else "%03X") % back[-1][0]
        assert shown_id == live_last[titles.index("ID")], (back[-1], live_last)
        assert back[-1][2] == live_last[titles.index("Data")].replace(" ", ""), (back[-1], live_last)
        screenshot("logs-9-save-live")
        click(find_one(save, "push button", "Close"))
        assert gone(root, "Save Trace")

        # 9. Convert: the big log to SQLite, cancelled on the way (what was
        # written is a valid file), then with ID filters and a time window.
        bring_to_front(window, "big.blf")
        menu(window, "Convert Log…")
        conv = dialog(root, "Convert Log")
        source = find_one(conv, "text", "Source")
        assert get_text(source) == big, f"the source is {get_text(source)!r}, not the log in front"
        all_db = os.path.join(tmp, "all.db")            # SQLite: the slowest writer
        set_text(find_one(conv, "text", "Destination"), all_db)
        click(find_one(conv, "push button", "Convert"))
        assert wait_for(lambda: find_all(conv, "progress bar", "Converting", visible=True), 30)
        time.sleep(0.3)
        screenshot("logs-10-converting")
        click(find_one(conv, "push button", "Cancel"))  # too late if it is done already
        result = wait_label(conv, r"^(Cancelled|Converted)", 120)
        log(result)
        if result.startswith("Cancelled"):
            n = int(re.sub(r"\D", "", re.search(r"the ([\d,.\u202f\u00a0']+) frames", result).group(1)))
            assert 0 <= n <= BIG_FRAMES, result
        else:
            n = BIG_FRAMES                              # it ended before the click
        assert len(read_back(all_db)) == n

        part_asc = os.path.join(tmp, "part.asc")
        set_text(find_one(conv, "text", "Destination"), part_asc)
        set_text(find_one(conv, "text", "IDs"), "100:7FF")
        set_text(find_one(conv, "text", "Start Time"), "100.0005")
        set_text(find_one(conv, "text", "End Time"), "200.0005")
        click(find_one(conv, "push button", "Convert"))
        result = wait_label(conv, r"^Converted .*part\.asc", 120)
        log(result)
        # Frames 100,001 … 200,000 whose ID is 100: every fourth.
        kept = [i for i in range(100_001, 200_001) if i % 4 == 0]
        assert re.search(rf"\b{N(len(kept))} of {N(BIG_FRAMES)} frames written", result), result
        back = read_back(part_asc)
        assert len(back) == len(kept) and all(m[0] == 0x100 for m in back), len(back)
        assert back[0][2] == big_frame(kept[0])[2] and back[-1][2] == big_frame(kept[-1])[2]
        screenshot("logs-11-converted")
        click(find_one(conv, "push button", "Close"))
        assert gone(root, "Convert Log")

        # 10. Damaged logs: every intact frame, and what is wrong where.
        for name, content in damaged.items():
            intact = intact_frames(content)
            subprocess.run([APP, os.path.join(tmp, name)], env=env, check=True, timeout=60)
            assert wait_for(lambda: page_tab(window, name), 30), f"no page for {name}"
            damage = wait_label(window, r"^The file is damaged: ")
            log(name, "→", damage)
            assert re.search(rf"offset {second}\b", damage), damage
            assert re.search(rf"The {N(intact)} frames before the damage are shown", damage), damage
            assert wait_label(window, rf"^{N(intact)} frames, ")
            rows = table_rows(window)
            assert rows and rows[0][0] == "0.000000", rows[:1]
            screenshot("logs-12-damaged-" + name[:-4])

        # 11. Lines a reader could not parse are skipped, and the page says
        # which, under the frames of every other line.
        skipping = os.path.join(tmp, "skipping.log")
        with open(skipping, "w") as f:
            f.write("(1.000000) can0 123#11\n(2.000000) can0 123#1\n"
                    "(3.000000) can0 12X#22\n(4.000000) can0 123#33\n")
        subprocess.run([APP, skipping], env=env, check=True, timeout=60)
        assert wait_for(lambda: page_tab(window, "skipping.log"), 30), "no page for skipping.log"
        skipped = wait_label(window, r"^2 lines or objects were skipped:")
        log("skipping.log →", skipped)
        assert "line 2: " in skipped and "line 3: " in skipped, skipped
        assert wait_label(window, r"^2 frames, ")
        screenshot("logs-13-skipped-lines")
    except BaseException:
        screenshot("logs-failure")
        log(app.stderr())
        raise
    finally:
        app.quit()
        shutil.rmtree(tmp, ignore_errors=True)
    log("ok")


if __name__ == "__main__":
    main()
