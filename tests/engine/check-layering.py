# SPDX-License-Identifier: LGPL-2.1-or-later
#
# The layers' include directories: a file compiled with a layer's include
# directories can include its own and the engine's headers, and fails to
# build when it includes a header of a layer above it (or beside it).
#
# Usage: check-layering.py CC... -- LAYER:DIR[,DIR...] ... -- CHECK...
# where each CHECK is LAYER:HEADER:ok or LAYER:HEADER:refused.

import os
import subprocess
import sys
import tempfile


def main():
    args = sys.argv[1:]
    first = args.index("--")
    second = args.index("--", first + 1)
    compiler = args[:first]
    layers = {}
    for spec in args[first + 1:second]:
        name, dirs = spec.split(":", 1)
        layers[name] = dirs.split(",")
    checks = args[second + 1:]

    print("1..%d" % len(checks))
    failed = 0
    with tempfile.TemporaryDirectory() as tmp:
        for number, check in enumerate(checks, 1):
            layer, header, expected = check.split(":")
            source = os.path.join(tmp, "probe.c")
            with open(source, "w") as f:
                f.write('#include "%s"\n' % header)
            flags = ["-I" + d for d in layers[layer]]
            glib = subprocess.run(["pkg-config", "--cflags", "gio-2.0"],
                                  capture_output=True, text=True, check=True).stdout.split()
            result = subprocess.run(compiler + flags + glib +
                                    ["-DCANOPY_COMPILATION", "-fsyntax-only", source],
                                    capture_output=True, text=True)
            built = result.returncode == 0
            missing = "No such file" in result.stderr or "not found" in result.stderr
            if expected == "ok":
                good = built
            else:
                # Refused because the layer cannot see the header, not for
                # any other error.
                good = not built and missing
            if not good:
                failed += 1
                print("# %s" % result.stderr.strip().replace("\n", "\n# "))
            print("%s %d - %s includes %s: %s" % ("ok" if good else "not ok", number,
                                                  layer, header, expected))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
