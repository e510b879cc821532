# SPDX-License-Identifier: LGPL-2.1-or-later
"""What every GUI test of Canopy shares: finding accessibles by role and
name, waiting, clicking, reading the trace's rows and the status figures,
screenshots, and starting the real application under gui-session (Xvfb +
AT-SPI). Tests run with LANG=C: the accessible names are the English ones
scripts rely on."""

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


def find_all(node, role=None, name=None, exact=False, visible=False, prune=("table row", "tree table")):
    """Every accessible below node whose role name and name match. The trace
    is not entered (GTK 4.8 keeps ~200 row widgets: slow over D-Bus) unless
    it is what we look for."""
    out = []

    def walk(n, depth=0):
        try:
            if depth > 60:
                return
            role_name = n.getRoleName()
            nm = n.name or ""
            if (role is None or role_name == role) and (
                    name is None or (nm == name if exact else name.lower() in nm.lower())) and (
                    not visible or n.getState().contains(pyatspi.STATE_VISIBLE)):
                out.append(n)
            if role_name in prune and role != role_name:
                return
            for c in n:
                if c is not None:
                    walk(c, depth + 1)
        except Exception:
            pass                                   # a node vanished while we looked
    walk(node)
    return out


def find_one(node, role, name, exact=True, timeout=30.0):
    got = wait_for(lambda: find_all(node, role, name, exact, visible=True), timeout)
    if not got:
        dump(node)
        raise AssertionError(f"no {role} named {name!r}")
    return got[0]


def wait_for(pred, timeout=30.0):
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


def cell_text(label):
    # GTK 4.8 names an empty label after its class.
    return "" if label.name == "GtkLabel" else label.name


_cache = {}


def _alive(node, role):
    try:
        return node is not None and node.getRoleName() == role
    except Exception:
        return False


def _front_tab(app):
    """The notebook's selected page tab, its index and the notebook's pages.
    The tab list is looked for once: walking the whole tree over D-Bus is
    slow while the live trace updates."""
    tab_list = _cache.get("tab list")
    if not _alive(tab_list, "page tab list"):
        found = find_all(app, "page tab list")
        tab_list = _cache["tab list"] = found[0] if found else None
        if tab_list is None:
            return None, None, []
    tabs = [c for c in tab_list if c is not None and c.getRoleName() == "page tab"]
    selected = [i for i, t in enumerate(tabs) if t.getState().contains(pyatspi.STATE_SELECTED)]
    # The tab list sits in a header of its own beside the pages' stack.
    header = tab_list.parent
    notebook = header.parent
    stacks = [c for i, c in enumerate(notebook) if c is not None and i != header.getIndexInParent()]
    if not selected or not stacks:
        return None, None, []
    return tabs[selected[0]], selected[0], [c for c in stacks[0] if c is not None]


def front_page(app):
    """The notebook page in front (the live trace or a log's page). GTK 4.8
    reports no "showing" state: the selected page tab picks the page."""
    tab, index, pages = _front_tab(app)
    return pages[index] if tab is not None and index < len(pages) else None


def trace_table(app):
    """The trace table of the page in front (the live trace or a log's
    tab), kept for as long as the same page (by its tab's text) is in
    front."""
    tab, index, pages = _front_tab(app)
    if tab is None or index >= len(pages):
        tables = find_all(app, "tree table", "Trace", exact=True)
        return tables[0] if tables else None
    key = (index, tuple(l.name for l in find_all(tab, "label")))
    table = _cache.get(key)
    if not _alive(table, "tree table"):
        tables = find_all(pages[index], "tree table", "Trace", exact=True)
        table = _cache[key] = tables[0] if tables else None
    return table


def trace_list(app):
    table = trace_table(app)
    if table is None:
        return None
    lists = [c for c in table if c is not None and c.getRoleName() == "list"]
    return lists[0] if lists else None


def table_rows(app, last=None):
    """The trace's rows (all, or the last @last) as lists of cell texts, in
    model order. GTK keeps row widgets for the visible rows and some more."""
    rows_node = trace_list(app)
    if rows_node is None:
        return []
    n = rows_node.childCount
    rows = []
    for i in range(n - last if last and n > last else 0, n):
        row = rows_node[i]
        if row is None or row.getRoleName() != "table row":
            continue
        cells = []
        for cell in row:
            label = cell[0] if cell is not None and cell.childCount else None
            cells.append(cell_text(label) if label is not None else "")
        rows.append(cells)
    return rows


def column_titles(app):
    table = trace_table(app)
    if table is None:
        return []
    header = table[0]
    return [cell_text(t[0][0]) for t in header if t is not None and t.childCount and t[0].childCount]


def status_value(app, caption):
    """The number in a status label such as 'Frames: 12345'."""
    labels = [l for l in find_all(app, "label", caption + ":") if l.name.startswith(caption + ":")]
    if not labels:
        return None
    m = re.search(r"([-0-9.,]+)", labels[0].name.split(":", 1)[1])
    return float(m.group(1).replace(",", "")) if m else None


class App:
    """The real application as a user starts it: its process, its stderr
    (kept for the failure message) and its main window's accessible."""

    def __init__(self, args=(), env=None):
        # Now and then (seen in CI, between two back-to-back sessions) the
        # fresh Xvfb refuses the first connections: wait until it answers,
        # and start again an application that could not open the display.
        # Anything else the application says on exit fails the test.
        wait_for(lambda: subprocess.run(["xdpyinfo"], capture_output=True).returncode == 0, 10)
        for attempt in range(3):
            found = self._start(args, env)
            if self.process.poll() is None or "cannot open display" not in self.stderr():
                break
            log(f"the application could not open {os.environ.get('DISPLAY')}; starting it again")
            time.sleep(1)
        assert self.process.poll() is None, \
            f"the application exited ({self.process.returncode}):\n" + self.stderr()
        assert found, "the application did not appear on the accessibility bus:\n" + self.stderr()
        self.root = found[0]
        self.window = find_one(self.root, "frame", "Canopy")

    def _start(self, args, env):
        self.process = subprocess.Popen([APP, *args], stderr=subprocess.PIPE, text=True, env=env)
        self.stderr_lines = []
        reader = threading.Thread(
            target=lambda lines=self.stderr_lines, f=self.process.stderr: lines.extend(f), daemon=True)
        reader.start()
        desktop = pyatspi.Registry.getDesktop(0)
        found = wait_for(lambda: [a for a in desktop if a is not None and a.name == "canopy"]
                         or self.process.poll() is not None, 60)
        if self.process.poll() is not None:
            reader.join(5)
        return found

    def stderr(self):
        return "".join(self.stderr_lines)

    def quit(self):
        """Closes the application and fails on any warning it printed."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        bad = [l for l in self.stderr_lines if "WARNING" in l or "CRITICAL" in l]
        assert not bad, "the application warned:\n" + "".join(bad)
