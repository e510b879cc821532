#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Share Bus: the connected demo bus is shared on a port of this computer
only; a remote client connected from this test (the engine's remote bus,
python-can 2.0's protocol, through the typelib) receives the demo
traffic and is listed in the Share pane; a port in use is shown in the
pane and leaves Share Bus off; switching Share Bus off disconnects the
client."""

import re
import socket
import time

import gi

gi.require_version("Canopy", "1.0")
from gi.repository import Canopy, GLib  # noqa: E402

from canopy_gui import *  # noqa: F401,F403,E402 (the shared GUI test helpers)

# The simulated ECUs of the virtual "demo" channel.
DEMO_IDS = {0x0C9, 0x1E5, 0x3E9, 0x1F5}

START = time.time()


def step(*args):
    log(f"[{time.time() - START:6.1f} s]", *args)


def button(app, name):
    got = wait_for(lambda: [b for b in find_all(app, None, name, exact=True, visible=True)
                            if b.getRoleName() in ("push button", "toggle button")], 30)
    if not got:
        dump(app)
        raise AssertionError(f"no button named {name!r}")
    return got[0]


def is_on(node):
    state = node.getState()
    return state.contains(pyatspi.STATE_CHECKED) or state.contains(pyatspi.STATE_PRESSED)


def menu_item(win, name, role="menu item"):
    # GTK 4.8 exposes the menu button and, inside it, the button that acts.
    openers = wait_for(lambda: [b for b in find_all(win, "push button", "Main Menu", exact=True)
                                if b.queryAction().nActions > 0], 30)
    assert openers, "no Main Menu button"
    click(openers[0])
    click(find_one(win, role, name))


def dump_pruned(node, depth=0):
    """The tree without the trace's rows (thousands of nodes over D-Bus)."""
    try:
        log("  " * depth + f"{node.getRoleName()}: {node.name!r}")
        if node.getRoleName() not in ("tree table", "table"):
            for c in node:
                if c is not None and depth < 30:
                    dump_pruned(c, depth + 1)
    except Exception:
        pass


def share_pane(win):
    got = wait_for(lambda: find_all(win, "panel", "Share Bus", exact=True, visible=True), 30)
    if not got:
        dump_pruned(win)
        raise AssertionError("no Share Bus pane")
    return got[0]


def labels(node, pattern):
    """Visible labels below @node matching @pattern, the client list's
    cells included (the pane is small: its table is entered)."""
    return [l.name for l in find_all(node, "label", visible=True, prune=())
            if re.search(pattern, l.name or "")]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main():
    app = App()
    client = None
    try:
        win = app.window
        assert wait_for(lambda: len(table_rows(win, 5)) >= 5, 30), "no demo rows arrived"
        step("demo rows")

        # The pane, from the menu: where it would listen, this computer only.
        # (win.show-pane::share: a radio item, as it chooses the pane shown)
        menu_item(win, "Sharing Settings…", "radio menu item")
        pane = share_pane(win)
        assert labels(pane, r"^Not sharing"), "the pane does not say it is not sharing"
        assert not labels(pane, r"reachable from the network"), \
            "the network warning shows while All Interfaces is off"
        port_spin = find_one(pane, "spin button", "Port")
        share = button(win, "Share Bus")

        # 1. A port in use: said in the pane, Share Bus stays off.
        blocker = socket.socket()
        blocker.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        blocker.bind(("127.0.0.1", 0))
        blocker.listen(1)
        busy = blocker.getsockname()[1]
        port_spin.queryValue().currentValue = busy
        assert wait_for(lambda: int(port_spin.queryValue().currentValue) == busy, 10)
        click(share)
        error = wait_for(lambda: labels(pane, r"^Could not share the bus"), 30)
        assert error, "a port in use is not shown in the pane"
        log("pane says:", error[0])
        assert str(busy) in error[0], error[0]
        time.sleep(0.5)
        assert not is_on(share), "Share Bus is on although the port is in use"
        screenshot("share-port-in-use")
        blocker.close()
        step("port in use shown")

        # 2. A free port: shared on loopback; a remote client receives the
        # demo traffic and is listed.
        port = free_port()
        port_spin.queryValue().currentValue = port
        assert wait_for(lambda: int(port_spin.queryValue().currentValue) == port, 10)
        click(share)
        address = wait_for(lambda: labels(pane, rf"^Sharing on 127\.0\.0\.1:{port}\b"), 30)
        assert address, "the pane does not show the address it listens on"
        log("pane says:", address[0])
        assert wait_for(lambda: is_on(share), 10), "Share Bus is not shown as on"
        assert not labels(pane, r"^Could not share"), "the old error stays after sharing started"

        client = Canopy.Bus.new("remote", f"127.0.0.1:{port}", None)
        ids = set()
        end = time.time() + 30
        while not DEMO_IDS <= ids and time.time() < end:
            msg = client.recv(1.0)
            if msg is not None:
                ids.add(msg.arbitration_id)
        assert DEMO_IDS <= ids, f"the client received ids {sorted(hex(i) for i in ids)}"
        step("client received", sorted(hex(i) for i in ids))

        listed = wait_for(lambda: labels(pane, r"^127\.0\.0\.1:\d+$"), 30)
        assert listed, "the client is not listed in the pane"
        log("listed client:", listed)
        assert wait_for(lambda: labels(pane, r"^\d{1,2}:\d\d:\d\d"), 10), "no connection time for the client"
        screenshot("share")

        # 3. Share Bus off: the client is disconnected, the list empties.
        click(share)
        assert wait_for(lambda: labels(pane, r"^Not sharing"), 30), "the pane does not say sharing ended"
        assert wait_for(lambda: not is_on(share), 10), "Share Bus stays on"

        def disconnected():
            # Frames that arrived before are still handed out first.
            try:
                while client.recv(0.5) is not None:
                    pass
                return False
            except GLib.Error as error:
                log("client:", error.message)
                return True
        assert wait_for(disconnected, 30), "the client stays connected after Share Bus went off"
        assert wait_for(lambda: labels(pane, r"^No clients connected"), 30), "the client stays listed"
        step("client disconnected")
    except BaseException:
        screenshot("share-failure")
        raise
    finally:
        if client is not None:
            client.shutdown()
        app.quit()
    log("ok")


if __name__ == "__main__":
    main()
