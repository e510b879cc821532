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
    """The parts of the window this test reads, found in one walk that does
    not enter the trace: on a loaded machine every accessibility call takes
    a while, and the trace has hundreds of cells."""

    def __init__(self, app):
        self.app = app
        self.win = app.window
        self.table = None
        self.rows = None
        self.buttons = {}
        self.frames_label = None
        self.pane = None
        self.columns = None
        assert wait_for(self._walk, 60), "no trace or status bar"

    def _walk(self):
        def walk(n, depth=0):
            try:
                role = n.getRoleName()
                if role == "tree table":
                    if n.name == "Trace":
                        self.table = n
                    return
                if role == "push button":
                    self.buttons.setdefault(n.name, n)
                    return
                if role == "label" and (n.name or "").startswith("Frames:"):
                    self.frames_label = n
                    return
                if depth < 40:
                    for c in n:
                        if c is not None:
                            walk(c, depth + 1)
            except Exception:
                pass                                   # a node vanished while we looked
        walk(self.win)
        if self.table is not None:
            lists = [c for c in self.table if c is not None and c.getRoleName() == "list"]
            self.rows = lists[0] if lists else None
        return self.table is not None and self.rows is not None and self.frames_label is not None

    def button(self, name):
        assert name in self.buttons, f"no button {name!r} in {sorted(self.buttons)}"
        return self.buttons[name]

    def titles(self):
        header = self.table[0]
        return [cell_text(t[0][0]) for t in header if t is not None and t.childCount and t[0].childCount]

    def ids(self, last=12):
        """The ID cells of the last rows the trace keeps."""
        return self.column("ID", last)

    def column(self, title, last):
        # The optional columns come after Time, Channel and ID, so the
        # indexes of those stay put in both modes.
        if self.columns is None:
            self.columns = self.titles()
        col = self.columns.index(title)
        n = self.rows.childCount
        out = []
        for i in range(max(0, n - last), n):
            try:
                out.append(cell_text(self.rows[i][col][0]))
            except Exception:
                pass                                   # a row went away while we looked
        return [x for x in out if x]

    def frames(self):
        return int(re.search(r"([0-9,]+)", self.frames_label.name).group(1).replace(",", ""))

    def show_filters(self):
        click(self.button("Filters"))
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
        t0 = time.time()
        w = Window(app)
        log(f"  window found: {time.time() - t0:.0f} s")
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
        log(f"  filtered: {time.time() - t0:.0f} s")

        click(w.button("Per ID"))
        assert wait_for(lambda: "Count" in w.titles(), 30)
        assert wait_for(lambda: w.ids(50) == ["3E9"], 30), f"per-ID mode under the filter shows {w.ids(50)}"
        click(w.button("Per ID"))
        assert wait_for(lambda: "Count" not in w.titles(), 30)

        log(f"  per ID: {time.time() - t0:.0f} s")
        # Stop the bus so that the number of captured frames stands still.
        click(w.button("Disconnect"))
        assert wait_for(lambda: w.button("Disconnect").name == "Connect", 30), "Disconnect does not offer Connect"

        def settled():
            before = w.frames()
            time.sleep(1.0)
            return before == w.frames() and before
        captured = wait_for(settled, 60)
        assert captured, "the frame count does not settle after Disconnect"
        assert set(w.ids()) == {"3E9"}, w.ids()
        # The status bar says how many of them the filter lets through.
        m = wait_for(lambda: re.search(r"\(([0-9,]+) shown\)", w.frames_label.name), 10)
        assert m, f"the status bar does not say how many frames are shown: {w.frames_label.name!r}"
        shown = int(m.group(1).replace(",", ""))
        assert 0 < shown < captured, f"{shown} of {captured} frames shown under the 3E9 filter"
        log("shown under the filter:", shown, "of", captured)

        log(f"  disconnected: {time.time() - t0:.0f} s")
        click(w.find("push button", "Clear Display Filters"))
        assert wait_for(lambda: len(set(w.ids(20))) >= 4, 60), f"cleared, the trace still shows {w.ids(20)}"
        assert text_of(w.find("text", "IDs")) == ""
        assert w.frames() == captured, f"{captured} frames before the filter was cleared, {w.frames()} after"
        assert wait_for(lambda: "shown" not in w.frames_label.name, 10), w.frames_label.name
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


def acceptance_filter_reaches_the_bus(port):
    """123:7FF applied on a remote bus: 0x456 no longer arrives, 0x123 does.
    The set (with a display filter) is then saved to a file."""
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


def saved_set_comes_back(port):
    """After a restart the pane shows the set again (from the settings) and
    its display filter applies; a set loaded from its file replaces what the
    pane holds and filters the trace at once."""
    app = App(args=["-i", "remote", "-c", f"127.0.0.1:{port}"], env=ENV)
    feeder = None
    try:
        w = Window(app)
        assert wait_for(lambda: find_all(w.win, "label", f"127.0.0.1:{port}"), 60), "not connected to the test's server"
        w.show_filters()
        assert text_of(w.find("text", "Filter ID")) == "123", "the acceptance filter did not survive a restart"
        assert text_of(w.find("text", "IDs")) == "3E9, 1E5", "the display filter did not survive a restart"
        # Restored acceptance filters wait for Apply: this bus is unfiltered.
        assert w.label("Not applied")

        feeder = Feeder(port)

        def send_round(tag):
            for ident in (0x3E9, 0x456, 0x1E5, 0x123):
                feeder.send(ident, [tag])
        send_round(1)
        assert wait_for(lambda: w.ids(20).count("1E5") >= 1, 60), f"the frames do not arrive: {w.ids(20)}"
        assert sorted(w.ids(20)) == ["1E5", "3E9"], f"the restored display filter does not apply: {w.ids(20)}"

        # Empty the pane: every frame shows, none was lost.
        click(w.find("push button", "Remove Filter"))
        assert wait_for(lambda: not find_all(w.pane, "text", "Filter ID", visible=True), 30)
        click(w.find("push button", "Clear Display Filters"))
        assert wait_for(lambda: sorted(w.ids(20)) == ["123", "1E5", "3E9", "456"], 60), \
            f"cleared, the trace shows {w.ids(20)}"

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
        send_round(2)
        assert wait_for(lambda: w.ids(20) == ["3E9", "1E5", "3E9", "1E5"], 60), \
            f"the loaded display filter does not apply: {w.ids(20)}"
        screenshot("filters-loaded-set")
    except BaseException:
        screenshot("failure-filters-restart")
        raise
    finally:
        if feeder is not None:
            feeder.close()
        app.quit()


def main():
    started = time.time()
    display_filter_hides_and_shows_rows()
    log(f"display filter: {time.time() - started:.0f} s")

    # The bus the next two flows feed: a remote server on a virtual channel.
    server = subprocess.Popen([SERVER, "-i", "virtual", "-c", "filters-test", "-p", "0"],
                              stdout=subprocess.PIPE, text=True)
    try:
        port = int(re.search(r"port (\d+)", server.stdout.readline()).group(1))
        acceptance_filter_reaches_the_bus(port)
        log(f"acceptance filter: {time.time() - started:.0f} s")
        saved_set_comes_back(port)
        log(f"saved set: {time.time() - started:.0f} s")
    finally:
        server.terminate()
        server.wait(10)
    log("ok")


if __name__ == "__main__":
    main()
