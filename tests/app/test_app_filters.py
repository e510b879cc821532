#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""The Filters pane under gui-session, driven through the accessibility tree:
a display filter hides and shows rows of the live demo trace without losing
a frame; an acceptance filter reaches the bus (a remote bus this test feeds
through canopy-server: only the accepted id arrives); a filter set saved to
a file and kept in the settings comes back after the application restarts.
Screenshots of the pane go to $CANOPY_SCREENSHOTS."""

import os
import re
import subprocess
import tempfile
import time

from canopy_gui import *  # noqa: F401,F403 (the shared GUI test helpers)

# The settings must outlive the application: a key file in a private
# XDG_CONFIG_HOME instead of the memory backend.
CONFIG = tempfile.mkdtemp(prefix="canopy-filters-")
ENV = dict(os.environ, GSETTINGS_BACKEND="keyfile", XDG_CONFIG_HOME=CONFIG)
SET_PATH = os.path.join(CONFIG, "engine.canfilter")


def text_of(node):
    t = node.queryText()
    return t.getText(0, t.characterCount)


class Window:
    """The parts of the window this test reads, found once: walking the
    whole accessibility tree takes seconds on a loaded machine."""

    def __init__(self, app):
        self.app = app
        self.win = app.window
        tables = wait_for(lambda: find_all(self.win, "tree table", "Trace", exact=True), 60)
        assert tables, "no trace"
        self.table = tables[0]
        self.frames_label = [l for l in find_all(self.win, "label", "Frames:") if l.name.startswith("Frames:")][0]
        self.pane = None

    def titles(self):
        header = self.table[0]
        return [cell_text(t[0][0]) for t in header if t is not None and t.childCount and t[0].childCount]

    def ids(self, last=12):
        """The ID cells of the last rows the trace keeps."""
        return self.column("ID", last)

    def column(self, title, last):
        col = self.titles().index(title)
        lists = [c for c in self.table if c is not None and c.getRoleName() == "list"]
        rows = lists[0]
        n = rows.childCount
        out = []
        for i in range(max(0, n - last), n):
            try:
                row = rows[i]
                if row is not None and row.getRoleName() == "table row":
                    out.append(cell_text(row[col][0]))
            except Exception:
                pass                                   # a row went away while we looked
        return [x for x in out if x]

    def frames(self):
        return int(re.search(r"([0-9,]+)", self.frames_label.name).group(1).replace(",", ""))

    def show_filters(self):
        click(find_one(self.win, "push button", "Filters"))
        panes = wait_for(lambda: find_all(self.win, "filler", "CanopyFilterPane", exact=True, visible=True), 30)
        assert panes, "the Filters pane does not open"
        self.pane = panes[0]

    def find(self, role, name, root=None, timeout=30):
        got = wait_for(lambda: find_all(root or self.pane, role, name, exact=True, visible=True), timeout)
        assert got, f"no {role} named {name!r}"
        return got[0]

    def label(self, part, timeout=30):
        return wait_for(lambda: find_all(self.pane, "label", part, visible=True), timeout)

    def type_into(self, name, text, root=None):
        entry = self.find("text", name, root)
        entry.queryEditableText().setTextContents(text)
        assert wait_for(lambda: text_of(entry) == text, 10), f"{name!r} does not take {text!r}"
        return entry

    def dialog(self, title):
        found = wait_for(lambda: [w for w in self.app.root if w is not None and w.name == title], 30)
        assert found, f"no dialog {title!r}"
        return found[0]


def display_filter_hides_and_shows_rows():
    """The live demo trace filtered to one id, in both modes; cleared, every
    captured frame is there again."""
    app = App(env=ENV)
    try:
        w = Window(app)
        assert wait_for(lambda: len(set(w.ids())) >= 4, 60), f"the demo trace shows too few ids: {w.ids()}"
        log("ids before filtering:", sorted(set(w.ids())))
        w.show_filters()

        w.type_into("IDs", "3E9")
        assert wait_for(lambda: set(w.ids()) == {"3E9"} and len(w.ids()) >= 10, 60), \
            f"filtered to 3E9, the trace shows {w.ids()}"
        first = w.column("Time", 1)
        assert wait_for(lambda: w.column("Time", 1) != first, 30), "the filtered trace does not follow new frames"
        assert set(w.ids()) == {"3E9"}, w.ids()
        screenshot("filters-display")

        click(find_one(w.win, "push button", "Per ID"))
        assert wait_for(lambda: "Count" in w.titles(), 30)
        assert wait_for(lambda: w.ids(50) == ["3E9"], 30), f"per-ID mode under the filter shows {w.ids(50)}"
        click(find_one(w.win, "push button", "Per ID"))
        assert wait_for(lambda: "Count" not in w.titles(), 30)

        # Stop the bus so that the number of captured frames stands still.
        click(find_one(w.win, "push button", "Disconnect"))
        find_one(w.win, "push button", "Connect")

        def settled():
            before = w.frames()
            time.sleep(1.0)
            return before == w.frames() and before
        captured = wait_for(settled, 60)
        assert captured, "the frame count does not settle after Disconnect"
        assert set(w.ids()) == {"3E9"}, w.ids()

        click(w.find("push button", "Clear Display Filters"))
        assert wait_for(lambda: len(set(w.ids(20))) >= 4, 60), f"cleared, the trace still shows {w.ids(20)}"
        assert text_of(w.find("text", "IDs")) == ""
        assert w.frames() == captured, f"{captured} frames before the filter was cleared, {w.frames()} after"
        log("cleared: ids", sorted(set(w.ids(20))), "frames", captured)

        # A typo is explained in the pane; the trace keeps what it showed.
        w.type_into("IDs", "3G9")
        assert w.label("is not an identifier"), "a bad id is not explained in the pane"
        assert len(set(w.ids(20))) >= 4
        w.type_into("IDs", "")
    except BaseException:
        screenshot("failure-filters-display")
        raise
    finally:
        app.quit()


class Feeder:
    """A remote client of the test's server: its frames reach the app's bus."""

    def __init__(self, port):
        import gi
        gi.require_version("Canopy", "1.0")
        from gi.repository import Canopy
        self.Canopy = Canopy
        self.bus = Canopy.Bus.new("remote", f"127.0.0.1:{port}", None)

    def send(self, arbitration_id, payload):
        self.bus.send(self.Canopy.Message.new(arbitration_id, False, bytes(payload)), 1.0)

    def close(self):
        self.bus.shutdown()


def acceptance_filter_reaches_the_bus():
    """123:7FF applied on a remote bus: 0x456 no longer arrives, 0x123 does.
    The set (with a display filter) is then saved to a file."""
    server = subprocess.Popen([SERVER, "-i", "virtual", "-c", "filters-test", "-p", "0"],
                              stdout=subprocess.PIPE, text=True)
    port = int(re.search(r"port (\d+)", server.stdout.readline()).group(1))
    app = App(args=["-i", "remote", "-c", f"127.0.0.1:{port}"], env=ENV)
    feeder = None
    try:
        w = Window(app)
        assert wait_for(lambda: find_all(w.win, "label", f"127.0.0.1:{port}"), 60), "not connected to the test's server"
        w.show_filters()
        feeder = Feeder(port)

        # Without filters the bus delivers everything: 0x455 arrives.
        assert wait_for(lambda: feeder.send(0x455, [0x55]) or "455" in w.ids(), 60), \
            "an unfiltered frame does not arrive"

        # A typo is explained in the pane and adds nothing.
        w.type_into("New Acceptance Filter", "12G:7FF")
        click(w.find("push button", "Add"))
        assert w.label("is not a filter"), "a bad acceptance filter is not explained in the pane"
        assert not find_all(w.pane, "text", "Filter ID", visible=True)

        w.type_into("New Acceptance Filter", "123:7FF")
        click(w.find("push button", "Add"))
        assert text_of(w.find("text", "Filter ID")) == "123"
        assert text_of(w.find("text", "Filter Mask")) == "7FF"
        click(w.find("push button", "Apply"))
        assert w.label("1 filter on the bus"), "Apply does not say the filter is on the bus"

        for i in range(5):
            feeder.send(0x456, [0x04, 0x56, i])
            feeder.send(0x123, [0x01, 0x23, i])
            time.sleep(0.05)
        assert wait_for(lambda: w.ids(20).count("123") >= 5, 60), f"the accepted frames do not arrive: {w.ids(20)}"
        ids = w.ids(20)
        log("after the filter:", ids)
        assert "456" not in ids, "a frame the acceptance filter refuses reached the trace"
        screenshot("filters-pane")

        # A display filter too, then the whole set goes to a file.
        w.type_into("IDs", "3E9, 1E5")
        assert w.label("Showing the frames that match"), "the display filter is not taken"
        click(w.find("push button", "Save Set…"))
        dialog = w.dialog("Save Filter Set")
        w.type_into("File", SET_PATH, root=dialog)
        click(w.find("push button", "Save", root=dialog))
        assert wait_for(lambda: os.path.exists(SET_PATH), 30) and w.label("saved to"), "the set was not saved"
        with open(SET_PATH) as f:
            saved = f.read()
        log("saved set:\n" + saved)
        assert "123:7FF" in saved and "3E9, 1E5" in saved, saved
    except BaseException:
        screenshot("failure-filters-acceptance")
        raise
    finally:
        if feeder is not None:
            feeder.close()
        app.quit()
        server.terminate()
        server.wait(10)


def saved_set_comes_back():
    """After a restart the pane shows the set again (from the settings); a
    set loaded from its file replaces what the pane holds and filters the
    live trace at once."""
    app = App(env=ENV)
    try:
        w = Window(app)
        w.show_filters()
        assert text_of(w.find("text", "Filter ID")) == "123", "the acceptance filter did not survive a restart"
        assert text_of(w.find("text", "IDs")) == "3E9, 1E5", "the display filter did not survive a restart"
        assert wait_for(lambda: len(w.ids()) >= 5 and set(w.ids()) <= {"3E9", "1E5"}, 60), \
            f"the restored display filter does not apply: {w.ids()}"
        # Restored acceptance filters wait for Apply: the demo bus is unfiltered.
        assert w.label("Not applied")

        # Empty the pane, then load the file.
        click(w.find("push button", "Remove Filter"))
        assert wait_for(lambda: not find_all(w.pane, "text", "Filter ID", visible=True), 30)
        click(w.find("push button", "Clear Display Filters"))
        assert wait_for(lambda: len(set(w.ids(20))) >= 4, 60), w.ids(20)

        click(w.find("push button", "Load Set…"))
        dialog = w.dialog("Load Filter Set")
        w.type_into("File", os.path.join(CONFIG, "missing.canfilter"), root=dialog)
        click(w.find("push button", "Load", root=dialog))
        assert wait_for(lambda: find_all(dialog, "label", "Could not load", visible=True), 30), \
            "a missing file is not explained in the dialog"
        w.type_into("File", SET_PATH, root=dialog)
        click(w.find("push button", "Load", root=dialog))
        assert text_of(w.find("text", "Filter ID")) == "123", "the loaded set shows no filter"
        assert text_of(w.find("text", "IDs")) == "3E9, 1E5"
        first = w.column("Time", 1)
        assert wait_for(lambda: w.column("Time", 1) != first and len(w.ids()) >= 5
                        and set(w.ids()) <= {"3E9", "1E5"}, 60), \
            f"the loaded display filter does not apply: {w.ids()}"
        screenshot("filters-loaded-set")
    except BaseException:
        screenshot("failure-filters-restart")
        raise
    finally:
        app.quit()


def main():
    display_filter_hides_and_shows_rows()
    acceptance_filter_reaches_the_bus()
    saved_set_comes_back()
    log("ok")


if __name__ == "__main__":
    main()
