#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""render-icon.py TOOL SVG SIZE OUTPUT: a PNG rendering of an SVG icon.

For the Windows build (data/meson.build): gdk-pixbuf there may have no SVG
loader, so the application's icons also go into its resources as PNGs.
TOOL decides the kind:
  gtk4-encode-symbolic-svg  a symbolic icon as GTK's .symbolic.png, which
                            GTK recolours with the theme like the SVG (GTK
                            ships its own symbolic icons this way);
  rsvg-convert              a full-colour icon, as it is drawn.
"""
import os
import shutil
import subprocess
import sys
import tempfile


def main():
    tool, svg, size, output = sys.argv[1:]
    if "encode-symbolic" in os.path.basename(tool):
        # It names its output after the input, in the folder given.
        with tempfile.TemporaryDirectory() as folder:
            subprocess.run([tool, "-o", folder, svg, f"{size}x{size}"], check=True)
            name = os.path.basename(svg)[: -len(".svg")] + ".symbolic.png"
            shutil.move(os.path.join(folder, name), output)
    else:
        subprocess.run([tool, "-w", size, "-h", size, "-o", output, svg], check=True)


if __name__ == "__main__":
    main()
