#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# build-intl.sh — real translations for the cross-built Windows application.
#
# mingw-glib's prefix has a no-op libintl (every call returns its msgid),
# linked statically into its GLib and GTK DLLs. Two things then need a real
# one: the application's own gettext() calls, and g_dgettext() inside
# libglib-2.0-0.dll, through which GtkBuilder translates the .ui templates
# (most of the visible strings) and GTK translates its own. So this script
# cross-builds, from Debian's source packages as mingw-glib does:
#   1. GNU libintl, gettext-runtime/intl of Debian's gettext 0.21, as
#      libintl-8.dll (the DLL MSYS2 ships too);
#   2. libglib-2.0-0.dll from the same Debian GLib source as the prefix's,
#      configured like mingw-glib's but with -Dnls=enabled against that
#      libintl (a drop-in: same version, same ABI; only this DLL is rebuilt),
#      and GLib's catalogues (glib20.mo);
# copies GTK's catalogues (gtk40.mo) from the host's Debian package when it
# is the version mingw-glib cross-built; and writes a Meson cross file to
# give after mingw-glib's, which puts this prefix's headers, import library
# and DLLs first (exe_wrapper included). A plain -I/-L in that cross file
# would not do: the prefix's .pc files put its include folder (with the
# no-op libintl.h) before the cross file's flags, and Meson links -lintl by
# the full path it finds beside glib-2.0.pc. So the prefix gets a
# glib-2.0.pc of its own, mingw-glib's with this libintl first:
#
#   meson setup --cross-file MINGW/cross.ini --cross-file PREFIX/cross.ini build-win
#
# Usage: build-intl.sh [--mingw-prefix DIR] [--prefix DIR] [--work DIR] [--jobs N]
#
#   --mingw-prefix  mingw-glib's prefix (default: $MINGW_GLIB_PREFIX, else
#                   ${XDG_CACHE_HOME:-~/.cache}/mingw-glib/prefix); read only
#   --prefix        where the result goes (default:
#                   ${XDG_CACHE_HOME:-~/.cache}/canopy-windows/intl)
#   --work          sources and build trees (default: ${TMPDIR:-/tmp}/canopy-intl-work)
#
# Reruns take a second: each part has a stamp in PREFIX/.stamps naming its
# source version (and, for GLib, the prefix's). Cold: ~1 min for libintl,
# 3-6 min for GLib on 2 cores. Needs deb-src entries (mingw-glib adds them)
# and the packages mingw-glib installs (gettext for msgfmt).
set -euo pipefail

host=x86_64-w64-mingw32
cache=${XDG_CACHE_HOME:-$HOME/.cache}
mingw=${MINGW_GLIB_PREFIX:-$cache/mingw-glib/prefix}
prefix=$cache/canopy-windows/intl
work=${TMPDIR:-/tmp}/canopy-intl-work
jobs=$(nproc)
while [ $# -gt 0 ]; do
  case "$1" in
    --mingw-prefix) mingw=$2; shift 2 ;;
    --prefix) prefix=$2; shift 2 ;;
    --work) work=$2; shift 2 ;;
    --jobs) jobs=$2; shift 2 ;;
    -h|--help) sed -n '3,/^set -/p' "${BASH_SOURCE[0]}" | sed -n 's/^# \{0,1\}//p'; exit 0 ;;
    *) echo "build-intl: unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
done

t0=$SECONDS
say () { printf '[build-intl %4ss] %s\n' "$((SECONDS - t0))" "$*"; }
fail () { echo "build-intl: $*" >&2; exit 1; }

[ -f "$mingw/cross.ini" ] || fail "no mingw-glib prefix at $mingw (build it first: ../shared/tools/mingw-glib/build)"
mingw_glib_stamp=$(cd "$mingw/.stamps" 2>/dev/null && ls -d glib-* 2>/dev/null | head -n 1) ||
  true
[ -n "$mingw_glib_stamp" ] || fail "$mingw has no GLib yet (no .stamps/glib-*)"
glib_version=${mingw_glib_stamp#glib-}
for t in "$host-gcc" dpkg-source meson ninja msgfmt; do
  command -v "$t" >/dev/null || fail "needs $t (the packages mingw-glib installs)"
done

mkdir -p "$prefix"/{bin,lib,include,share/locale,.stamps} "$work"/{src,build,logs}
prefix=$(cd "$prefix" && pwd)
work=$(cd "$work" && pwd)
mingw=$(cd "$mingw" && pwd)
stamps=$prefix/.stamps

# step NAME COMMAND...: output to a log, its tail shown on failure.
step () {
  local name=$1; shift
  if ! ( set -e; "$@" ) >"$work/logs/$name.log" 2>&1; then
    tail -n 40 "$work/logs/$name.log" >&2
    fail "$name failed (log: $work/logs/$name.log)"
  fi
}

# fetch PKG VERSION: Debian's source package, unpacked with its patches into
# $work/src/PKG-VERSION. A copy mingw-glib downloaded is used when there.
fetch () {
  local pkg=$1 version=$2 dir=$work/src/$1-$2 dsc
  [ -f "$dir/.unpacked" ] && return 0
  dsc=$work/src/${pkg}_${version#*:}.dsc
  if [ ! -f "$dsc" ]; then
    local mg_work=${MINGW_GLIB_WORK:-${TMPDIR:-/tmp}/mingw-glib-work}/src
    if [ -f "$mg_work/${pkg}_${version#*:}.dsc" ]; then
      awk '/^Files:/{f=1;next} /^[^ ]/{f=0} f&&NF==3{print $3}' "$mg_work/${pkg}_${version#*:}.dsc" |
        while read -r f; do cp "$mg_work/$f" "$work/src/"; done
      cp "$mg_work/${pkg}_${version#*:}.dsc" "$work/src/"
    else
      (cd "$work/src" && apt-get -o APT::Sandbox::User=root source --download-only "$pkg=$version") \
        >"$work/logs/fetch-$pkg.log" 2>&1 ||
        { tail -n 20 "$work/logs/fetch-$pkg.log" >&2; fail "could not download the source of $pkg $version (deb-src entries?)"; }
    fi
  fi
  rm -rf "$dir"
  step "unpack-$pkg" dpkg-source --no-check -x "$dsc" "$dir"
  : >"$dir/.unpacked"
}

# write_if_changed FILE < content: leaves FILE (and its time, which Meson
# watches for the cross file) alone when the content is the same.
write_if_changed () {
  local tmp
  tmp=$(mktemp)
  cat >"$tmp"
  if cmp -s "$tmp" "$1"; then rm -f "$tmp"; else chmod 0644 "$tmp"; mv "$tmp" "$1"; fi
}

newest_source_version () {
  apt-cache showsrc "$1" 2>/dev/null | awk '/^Version:/{print $2}' | sort -rV | head -n 1
}

# -- the overlay cross file and exe wrapper (GLib's configure checks run
#    through them already) ---------------------------------------------------
write_if_changed "$prefix/bin/wine-canopy" <<EOF
#!/bin/sh
# Meson exe_wrapper written by Canopy's build-aux/windows/build-intl.sh:
# mingw-glib's wrapper, with $prefix/bin (the real libintl and
# the GLib built against it) searched before mingw-glib's DLLs.
WINEPATH="Z:$prefix/bin\${WINEPATH:+;\$WINEPATH}"
export WINEPATH
exec "$mingw/bin/wine-mingw-glib" "\$@"
EOF
chmod +x "$prefix/bin/wine-canopy"

write_if_changed "$prefix/cross.ini" <<EOF
# Meson cross file written by Canopy's build-aux/windows/build-intl.sh, to be
# given AFTER mingw-glib's (its values replace those of the same keys):
#   meson setup --cross-file $mingw/cross.ini --cross-file $prefix/cross.ini build-win
# Headers and import library of GNU libintl before mingw-glib's no-op one
# (also through this prefix's glib-2.0.pc), and this prefix's DLLs first
# when programs run under wine.
[binaries]
exe_wrapper = '$prefix/bin/wine-canopy'

[properties]
pkg_config_libdir = ['$prefix/lib/pkgconfig', '$mingw/lib/pkgconfig', '/usr/$host/lib/pkgconfig']

[built-in options]
c_args = ['-I$prefix/include', '-I$mingw/include']
c_link_args = ['-L$prefix/lib', '-L$mingw/lib']
cpp_args = ['-I$prefix/include', '-I$mingw/include']
cpp_link_args = ['-L$prefix/lib', '-L$mingw/lib']
EOF

# glib-2.0.pc: gi18n.h's <libintl.h> and the -lintl that every GLib user
# links are the real ones. Written before GLib is built, which needs none.
mkdir -p "$prefix/lib/pkgconfig"
sed -e "s|^Cflags: |Cflags: -I$prefix/include |" -e "s|^Libs: |Libs: -L$prefix/lib -lintl |" \
  "$mingw/lib/pkgconfig/glib-2.0.pc" | write_if_changed "$prefix/lib/pkgconfig/glib-2.0.pc"

# -- 1. GNU libintl ------------------------------------------------------------
gettext_version=$(newest_source_version gettext)
[ -n "$gettext_version" ] || fail "apt knows no source package gettext (deb-src entries?)"
if [ ! -f "$stamps/intl-$gettext_version" ]; then
  say "libintl from gettext $gettext_version"
  fetch gettext "$gettext_version"
  src=$work/src/gettext-$gettext_version
  # Debian's patches touch Makefile.am/configure.ac (link order, Java) but not
  # the generated files; older inputs keep make from running automake.
  find "$src" \( -name Makefile.am -o -name configure.ac -o -name '*.m4' \) -exec touch -t 200001010000 {} +
  build_intl () {
    local b=$work/build/intl
    rm -rf "$b"; mkdir -p "$b"; cd "$b"
    "$src/gettext-runtime/configure" --host=$host --prefix="$prefix" \
      --enable-shared --disable-static --disable-java --disable-csharp \
      --disable-libasprintf --disable-openmp --enable-threads=windows
    make -C intl -j"$jobs"
    make -C intl install
  }
  step libintl build_intl
  rm -f "$prefix/lib/libintl.la"
  [ -f "$prefix/bin/libintl-8.dll" ] || fail "libintl built no libintl-8.dll"
  rm -f "$stamps"/intl-*
  : >"$stamps/intl-$gettext_version"
fi

# -- 2. libglib-2.0-0.dll with that libintl -----------------------------------
if [ ! -f "$stamps/glib-$glib_version-nls" ]; then
  say "GLib $glib_version with -Dnls=enabled"
  fetch glib2.0 "$glib_version"
  build_glib () {
    local b=$work/build/glib
    rm -rf "$b"
    # mingw-glib's options (its build_glib), but with translations.
    meson setup "$b" "$work/src/glib2.0-$glib_version" \
      --cross-file "$mingw/cross.ini" --cross-file "$prefix/cross.ini" \
      --prefix "$prefix" --libdir lib --buildtype debugoptimized --wrap-mode nodownload \
      -Dtests=false -Dinstalled_tests=false \
      -Dnls=enabled -Dman=false -Dgtk_doc=false \
      -Dselinux=disabled -Dxattr=false -Dlibmount=disabled \
      -Dsysprof=disabled -Dlibelf=disabled -Ddtrace=false -Dsystemtap=false
    ninja -C "$b" -j"$jobs" glib/libglib-2.0-0.dll glib20-gmo
    cp "$b/glib/libglib-2.0-0.dll" "$prefix/bin/"
    (cd "$b/po" && find . -name glib20.mo) | while read -r mo; do
      mkdir -p "$prefix/share/locale/$(dirname "$mo")"
      cp "$b/po/$mo" "$prefix/share/locale/$mo"
    done
  }
  step glib build_glib
  # The whole point: the DLL must take its gettext from libintl-8.dll.
  imports=$("$host-objdump" -p "$prefix/bin/libglib-2.0-0.dll")
  grep -qi 'DLL Name: libintl-8.dll' <<<"$imports" ||
    fail "the rebuilt libglib-2.0-0.dll does not import libintl-8.dll"
  rm -f "$stamps"/glib-*
  : >"$stamps/glib-$glib_version-nls"
fi

# -- 3. GTK's catalogues ------------------------------------------------------
# Debian's libgtk-4-common holds gtk40.mo compiled from the same source
# package mingw-glib cross-built; another version could have other msgids.
mingw_gtk_stamp=$(cd "$mingw/.stamps" && ls -d gtk4-* 2>/dev/null | head -n 1) || true
host_gtk=$(dpkg-query -W -f '${Version}' libgtk-4-common 2>/dev/null) || true
if [ -n "$mingw_gtk_stamp" ] && [ "${mingw_gtk_stamp#gtk4-}" = "$host_gtk" ]; then
  n=0
  for mo in /usr/share/locale/*/LC_MESSAGES/gtk40.mo; do
    [ -f "$mo" ] || continue
    lang=$(basename "$(dirname "$(dirname "$mo")")")
    mkdir -p "$prefix/share/locale/$lang/LC_MESSAGES"
    cp -u "$mo" "$prefix/share/locale/$lang/LC_MESSAGES/"
    n=$((n + 1))
  done
  gtk_note="gtk40.mo for $n languages (host libgtk-4-common $host_gtk)"
else
  gtk_note="no gtk40.mo: the host's libgtk-4-common (${host_gtk:-not installed}) is not mingw-glib's ${mingw_gtk_stamp:-(no GTK stage)}"
fi

say "ready in $prefix: libintl-8.dll (gettext $gettext_version), libglib-2.0-0.dll ($glib_version, nls), $gtk_note"
