#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# The C contract as a user meets it: install, find the library with
# `pkg-config canopy-1`, include <canopy.h>, link, run.
set -eu
build_root=$1
cc=${CC:-cc}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

meson install -C "$build_root" --no-rebuild --quiet --destdir "$work/root" >/dev/null
prefix=$(meson introspect "$build_root" --buildoptions |
         /usr/bin/python3 -c 'import json,sys; print(next(o["value"] for o in json.load(sys.stdin) if o["name"] == "prefix"))')
pcdir=$(find "$work/root$prefix" -name canopy-1.pc -printf '%h\n' | head -n 1)
libdir=$(dirname "$pcdir")

cat > "$work/consumer.c" <<'C'
#include <canopy.h>

int
main (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CanopyBus) a = canopy_bus_new ("virtual", "pc", NULL, &error);
  g_autoptr(CanopyBus) b = canopy_bus_new ("virtual", "pc", NULL, &error);
  g_autoptr(CanopyMessage) sent = canopy_message_new (0x123, FALSE, (const guint8 *) "\x01\x02", 2);
  g_autoptr(CanopyMessage) got = NULL;
  const guint8 *data;
  gsize len;

  if (!canopy_bus_send (a, sent, 1.0, &error))
    return 1;
  got = canopy_bus_recv (b, 1.0, &error);
  data = canopy_message_get_data (got, &len);
  return got != NULL && len == 2 && data[1] == 2 && canopy_message_get_timestamp (got) > 0 ? 0 : 1;
}
C

# The .pc names the install prefix; point it at the staged copy.
mkdir "$work/pc"
sed "s|^prefix=.*|prefix=$work/root$prefix|" "$pcdir/canopy-1.pc" > "$work/pc/canopy-1.pc"
export PKG_CONFIG_PATH="$work/pc${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"
cflags=$(pkg-config --cflags canopy-1)
libs=$(pkg-config --libs canopy-1)
case "$cflags" in *"$work"*) ;; *) echo "pkg-config did not relocate: $cflags" >&2; exit 1 ;; esac
$cc -o "$work/consumer" "$work/consumer.c" $cflags $libs
LD_LIBRARY_PATH="$libdir" "$work/consumer"
echo "ok: a program built with pkg-config canopy-1 sends and receives"
