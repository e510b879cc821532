#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# make-bundle.sh — make canopy-windows.zip, a folder a Windows user unzips
# and starts canopy.exe from: the application, the tools, every DLL they load
# (found by walking the PE import tables with objdump, so nothing is listed by
# hand and nothing missing goes unnoticed), GLib/GTK's data (compiled
# GSettings schemas, icons, gdk-pixbuf loaders when they are modules,
# translations), an example can.ini and a README.
#
# Usage: make-bundle.sh [--builddir DIR] [--data-prefix DIR] [--intl-prefix DIR]
#                       [--search-dir DIR]... [--system-dir DIR]... [--output FILE.zip]
#
#   --builddir     a configured and built Windows build of Canopy (build-win)
#   --data-prefix  the prefix of the Windows GLib/GTK (its bin/ DLLs and
#                  share/ data): ~/.cache/mingw-glib/prefix when cross-built,
#                  /ucrt64 under MSYS2 (default: $MINGW_PREFIX, else mingw-glib's)
#   --intl-prefix  the cross build's GNU libintl and the GLib DLL built with it
#                  (build-intl.sh's prefix): its DLLs are taken before the
#                  data prefix's, its catalogues (glib20.mo, gtk40.mo) too
#   --search-dir   more folders to find DLLs in (the MinGW GCC runtime's is
#                  added by itself)
#   --system-dir   folders of the Windows system DLLs, which are not shipped
#                  (default: C:/Windows/System32 when there, else wine's DLLs)
#   --output       the zip to write (default: BUILDDIR/canopy-windows.zip)
#
# CANOPY_BUNDLE_NO_STRIP=1 keeps the debug information in the programs and DLLs.
#
# The layout is flat: canopy.exe, the tools and the DLLs side by side, with
# share/ (and lib/ for pixbuf loaders) next to them. GLib and GTK look for
# their data relative to their DLL's folder, so the folder can live anywhere.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

builddir=build-win
data_prefix=${MINGW_PREFIX:-${MINGW_GLIB_PREFIX:-${XDG_CACHE_HOME:-$HOME/.cache}/mingw-glib/prefix}}
intl_prefix=
search_dirs=()
system_dirs=()
output=
while [ $# -gt 0 ]; do
  case "$1" in
    --builddir) builddir=$2; shift 2 ;;
    --data-prefix) data_prefix=$2; shift 2 ;;
    --intl-prefix) intl_prefix=$2; shift 2 ;;
    --search-dir) search_dirs+=("$2"); shift 2 ;;
    --system-dir) system_dirs+=("$2"); shift 2 ;;
    --output) output=$2; shift 2 ;;
    -h|--help) sed -n '3,/^set -/p' "${BASH_SOURCE[0]}" | sed -n 's/^# \{0,1\}//p'; exit 0 ;;
    *) echo "make-bundle: unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
done
builddir=$(cd "$builddir" && pwd)
output=${output:-$builddir/canopy-windows.zip}
case "$output" in /*) ;; *) output=$PWD/$output ;; esac

fail () { echo "make-bundle: $*" >&2; exit 1; }

objdump=$(command -v x86_64-w64-mingw32-objdump || command -v objdump) ||
  fail "needs objdump (binutils-mingw-w64-x86-64, or binutils under MSYS2)"
strip=$(command -v x86_64-w64-mingw32-strip || command -v strip) ||
  fail "needs strip (binutils-mingw-w64-x86-64, or binutils under MSYS2)"
compile_schemas=$(command -v glib-compile-schemas) ||
  fail "needs glib-compile-schemas (libglib2.0-bin, or glib2 under MSYS2)"
command -v zip >/dev/null || fail "needs zip"

[ -z "$intl_prefix" ] || search_dirs+=("$intl_prefix/bin")
search_dirs+=("$data_prefix/bin")
if command -v x86_64-w64-mingw32-gcc >/dev/null; then
  # libstdc++/libgcc DLLs of the cross compiler, should anything import them
  gcc_runtime=$(dirname "$(x86_64-w64-mingw32-gcc -print-file-name=libstdc++-6.dll)")
  [ -d "$gcc_runtime" ] && search_dirs+=("$gcc_runtime")
fi
if [ ${#system_dirs[@]} = 0 ]; then
  for d in /c/Windows/System32 "${SYSTEMROOT:-/nonexistent}/System32" \
           /usr/lib/x86_64-linux-gnu/wine/x86_64-windows /usr/lib/wine/x86_64-windows; do
    [ -d "$d" ] && system_dirs+=("$d")
  done
fi
[ ${#system_dirs[@]} -gt 0 ] || fail "no folder of Windows system DLLs found: give --system-dir"

# -- 1. what Meson installs: the programs, the library, schemas, icons, .mo ----
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
meson install -C "$builddir" --no-rebuild --destdir "$stage/destdir" >"$stage/install.log" 2>&1 ||
  { cat "$stage/install.log" >&2; fail "meson install failed"; }
app_exe=$(find "$stage/destdir" -iname canopy.exe -print -quit)
[ -n "$app_exe" ] || fail "$builddir has no canopy.exe: configure it with GTK 4 (-Dgtk=true) and build it"
installed=$(dirname "$(dirname "$app_exe")")   # <destdir>/<prefix>

name=canopy-windows
bundle=$stage/$name
mkdir -p "$bundle/share"
# The programs; DLLs (Canopy's own too) come in step 6, only those loaded.
cp "$installed"/bin/*.exe "$bundle/"
search_dirs=("$installed/bin" "${search_dirs[@]}")
# Not share/icons: the application's icons are in its resources (with PNG
# renderings on Windows); the SVGs installed for Linux desktops would only
# compete with those in GTK's lookup, and may not load.
[ -d "$installed/share/locale" ] && cp -r "$installed/share/locale" "$bundle/share/"

# -- 2. GSettings: the application's schema with GTK's (the file chooser and
#       the colour chooser read theirs), compiled into one gschemas.compiled.
schemas=$bundle/share/glib-2.0/schemas
mkdir -p "$schemas"
cp "$installed"/share/glib-2.0/schemas/*.xml "$schemas/"
for f in "$data_prefix"/share/glib-2.0/schemas/org.gtk.gtk4.*.xml; do
  [ -e "$f" ] && cp "$f" "$schemas/"
done
"$compile_schemas" --strict --targetdir="$schemas" "$schemas"
rm -f "$schemas"/*.xml

# -- 3. icons: hicolor's index (GTK's fallback theme); Adwaita if the GTK
#       prefix has it (MSYS2). GTK's own symbolic icons are in its DLL.
mkdir -p "$bundle/share/icons/hicolor"
for f in "$data_prefix/share/icons/hicolor/index.theme" /usr/share/icons/hicolor/index.theme; do
  if [ -f "$f" ]; then cp "$f" "$bundle/share/icons/hicolor/"; break; fi
done
if [ -d "$data_prefix/share/icons/Adwaita" ]; then
  cp -r "$data_prefix/share/icons/Adwaita" "$bundle/share/icons/"
fi

# -- 4. gdk-pixbuf loaders, when they are modules (MSYS2; the cross-built
#       gdk-pixbuf has them inside its DLL). The cache names them relative to
#       the installation folder, so it is copied as it is.
loaders=lib/gdk-pixbuf-2.0/2.10.0
if [ -f "$data_prefix/$loaders/loaders.cache" ]; then
  mkdir -p "$bundle/$loaders"
  cp -r "$data_prefix/$loaders/loaders" "$data_prefix/$loaders/loaders.cache" "$bundle/$loaders/"
fi

# -- 5. GTK's and GLib's translations, for the languages the app has.
for mo_dir in "$bundle"/share/locale/*/LC_MESSAGES; do
  [ -d "$mo_dir" ] || continue
  lang=$(basename "$(dirname "$mo_dir")")
  for dom in gtk40 glib20; do
    for p in ${intl_prefix:+"$intl_prefix"} "$data_prefix"; do
      f=$p/share/locale/$lang/LC_MESSAGES/$dom.mo
      if [ -f "$f" ]; then cp "$f" "$mo_dir/"; break; fi
    done
  done
done

# -- 6. every DLL the programs and DLLs load, by their import tables.
find_dll () {   # prints the path of DLL $1 in the search dirs, case-insensitively
  local d f
  for d in "${search_dirs[@]}"; do
    f=$(find "$d" -maxdepth 1 -iname "$1" -print -quit 2>/dev/null)
    [ -n "$f" ] && { printf '%s\n' "$f"; return 0; }
  done
  return 1
}
is_system_dll () {
  local d
  case "${1,,}" in api-ms-win-*|ext-ms-win-*) return 0 ;; esac
  for d in "${system_dirs[@]}"; do
    [ -n "$(find "$d" -maxdepth 1 -iname "$1" -print -quit 2>/dev/null)" ] && return 0
  done
  return 1
}
declare -A seen=()
queue=()
while IFS= read -r -d '' f; do queue+=("$f"); done < <(find "$bundle" -iname '*.exe' -print0 -o -iname '*.dll' -print0)
for f in "${queue[@]}"; do seen[$(basename "${f,,}")]=1; done
shipped=0
missing=()
while [ ${#queue[@]} -gt 0 ]; do
  f=${queue[0]}; queue=("${queue[@]:1}")
  while read -r dll; do
    key=${dll,,}
    [ -n "${seen[$key]:-}" ] && continue
    seen[$key]=1
    if src=$(find_dll "$dll"); then
      cp "$src" "$bundle/"
      queue+=("$bundle/$(basename "$src")")
      shipped=$((shipped + 1))
    elif ! is_system_dll "$dll"; then
      missing+=("$dll (imported by $(basename "$f"))")
    fi
  done < <("$objdump" -p "$f" | sed -n 's/^[[:space:]]*DLL Name: //p' | tr -d '\r')
done
[ ${#missing[@]} = 0 ] || fail "DLLs found neither in ${search_dirs[*]} nor among the system's: ${missing[*]}"

# Translations need one real libintl for all: the application's gettext()
# and GLib's g_dgettext(), through which GtkBuilder translates the .ui
# templates. A GLib with a no-op libintl inside (mingw-glib's) would leave
# most of the window in English: give --intl-prefix (build-intl.sh).
imports () { "$objdump" -p "$1" | sed -n 's/^[[:space:]]*DLL Name: //p' | tr -d '\r' | tr 'A-Z' 'a-z'; }
app_imports=$(imports "$bundle/canopy.exe")
glib_imports=$(imports "$bundle/libglib-2.0-0.dll")
if grep -qx 'libintl-8.dll' <<<"$app_imports" && ! grep -qx 'libintl-8.dll' <<<"$glib_imports"; then
  fail "canopy.exe uses libintl-8.dll but the libglib-2.0-0.dll found does not (no translated templates): give --intl-prefix"
fi

# Debug information is of no use to a user and is most of the size of a
# debugoptimized build (mingw-glib's GLib): strip the copies.
if [ -z "${CANOPY_BUNDLE_NO_STRIP:-}" ]; then
  find "$bundle" \( -iname '*.exe' -o -iname '*.dll' \) -exec "$strip" --strip-debug {} +
fi

# -- 7. the example configuration and the README, with Windows line ends.
version=$(sed -n "s/^ *version: *'\([^']*\)'.*/\1/p" "$here/../../meson.build" | head -n 1)
sed 's/$/\r/' "$here/can.ini" >"$bundle/can.ini"
sed -e "s/@VERSION@/${version:-?}/" -e 's/$/\r/' "$here/README.txt" >"$bundle/README.txt"

rm -f "$output"
(cd "$stage" && zip -q -r -X -9 "$output" "$name")
n_exe=$(find "$bundle" -maxdepth 1 -iname '*.exe' | wc -l)
n_dll=$(find "$bundle" -maxdepth 1 -iname '*.dll' | wc -l)
echo "make-bundle: $output: $n_exe programs, $n_dll DLLs ($shipped found by their imports)," \
     "$(du -sh "$bundle" | cut -f1) unpacked, $(du -h "$output" | cut -f1) zipped"
