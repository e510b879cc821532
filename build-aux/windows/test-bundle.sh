#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# test-bundle.sh — test canopy-windows.zip as a Windows user gets it: unzipped
# into a folder with non-ASCII characters in a FRESH wine prefix that holds
# nothing else (no Z: drive, no WINEPATH: every DLL and data file must come
# from the bundle), under Xvfb.
#
# Usage: test-bundle.sh --zip FILE --linux-convert PROGRAM --testdata DIR
#                       --test-program test-app-win32.exe [--screenshots DIR]
#
# Checks (each prints "ok" or "FAIL", exit status 1 on any failure):
#  1. canopy.exe is a GUI-subsystem program (no console window); the tools are
#     console programs;
#  2. canopy-convert.exe converts logs given by non-ASCII paths to the same
#     bytes as the Linux build;
#  3. canopy.exe on an empty virtual bus: its window appears (the X window
#     wine makes for it, named "Canopy"); that screenshot is the baseline;
#  4. canopy.exe LOG (non-ASCII path): the window shows the log's rows (at
#     least 15 more lines of table text than the empty window: the log has 20);
#  5. canopy.exe with the bundle's can.ini (the demo bus), in German
#     (LC_MESSAGES=de_DE.UTF-8 LANGUAGE=de): live rows (at least 10 more lines than the empty
#     window) that change between two screenshots; closed like a user closes
#     it (WM_CLOSE), it saves its window size in
#     %APPDATA%\Canopy\settings.ini and nothing under the registry's
#     GSettings key;
#  6. each start of canopy.exe above is quiet: no GLib/GTK WARNING or
#     CRITICAL on its stderr (an icon that fails to load warns, too), but
#     for GDK's about what wine lacks and every Windows has (keyboard
#     layout DLLs, monitor device properties, WGL under Xvfb);
#  7. tests/app/test-app-win32.exe, copied into the bundle and run there in
#     German with CANOPY_TEST_IN_BUNDLE=1 (a skip is a failure): every icon
#     of the .ui files loads, the German catalogue reaches the application's
#     strings, the window's templates and GTK's own, and a 10 ms cyclic task
#     on the window's connection keeps its period.
# The screenshots stay in --screenshots (default: beside the zip).
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

zip= linux_convert= testdata= shots= test_program=
while [ $# -gt 0 ]; do
  case "$1" in
    --zip) zip=$2; shift 2 ;;
    --linux-convert) linux_convert=$2; shift 2 ;;
    --testdata) testdata=$2; shift 2 ;;
    --screenshots) shots=$2; shift 2 ;;
    --test-program) test_program=$2; shift 2 ;;
    -h|--help) sed -n '3,/^set -/p' "${BASH_SOURCE[0]}" | sed -n 's/^# \{0,1\}//p'; exit 0 ;;
    *) echo "test-bundle: unknown argument: $1" >&2; exit 2 ;;
  esac
done
[ -f "$zip" ] && [ -x "$linux_convert" ] && [ -d "$testdata" ] && [ -f "$test_program" ] ||
  { echo "test-bundle: needs --zip, --linux-convert, --testdata and --test-program (see --help)" >&2; exit 2; }
test_program=$(cd "$(dirname "$test_program")" && pwd)/$(basename "$test_program")
zip=$(cd "$(dirname "$zip")" && pwd)/$(basename "$zip")
shots=${shots:-$(dirname "$zip")/bundle-screenshots}
mkdir -p "$shots" && shots=$(cd "$shots" && pwd)
for t in xvfb-run import xwininfo unzip /usr/bin/python3; do
  command -v "$t" >/dev/null || { echo "test-bundle: needs $t (xvfb xauth imagemagick x11-utils unzip)" >&2; exit 2; }
done
if [ -x /usr/lib/wine/wine64 ]; then wine=/usr/lib/wine/wine64; export WINELOADER=$wine; else wine=wine64; fi
objdump=$(command -v x86_64-w64-mingw32-objdump || command -v objdump)

failures=0
check () {  # check NAME COMMAND...: runs the command, prints ok/FAIL
  local name=$1; shift
  if "$@"; then echo "ok   $name"; else echo "FAIL $name"; failures=$((failures + 1)); fi
}

# -- a fresh wine prefix with nothing but the bundle --------------------------
work=$(mktemp -d)
trap 'WINEPREFIX=$WINEPREFIX wineserver -k 2>/dev/null; rm -rf "$work"' EXIT
export WINEPREFIX=$work/wineprefix WINEDEBUG=-all WINEDLLOVERRIDES='mscoree,mshtml='
unset WINEPATH
# Only the fonts a Windows machine has (C:\Windows\Fonts, below), not the
# host's, which wine would add through fontconfig: its DirectWrite lists
# some (DejaVu Condensed, Cantarell Light, …) that it cannot find again by
# their LOGFONT, and pango 1.50 asserts on each, which check 6 would count.
printf '<?xml version="1.0"?>\n<fontconfig></fontconfig>\n' >"$work/no-host-fonts.conf"
export FONTCONFIG_FILE=$work/no-host-fonts.conf
mkdir -p "$WINEPREFIX"
t0=$(date +%s)
"$wine" wineboot.exe -i >/dev/null 2>&1
wineserver -w
# Windows keeps its fonts in C:\Windows\Fonts and lists them in the registry;
# wine's own (fonts-wine) are only in its data folder, where pango's
# DirectWrite font map does not look. Put them where Windows has them. Wine
# has no monospace font pango knows (Windows has Courier New and Consolas):
# DejaVu Sans Mono, first in pango's "monospace" list, stands in for them
# (without one, each trace row in a .monospace column gives a GObject
# critical).
fonts=()
for f in /usr/share/wine/fonts/*.ttf /usr/share/fonts/truetype/dejavu/DejaVuSansMono*.ttf; do
  [ -f "$f" ] && fonts+=("$f")
done
if [ ${#fonts[@]} -gt 0 ]; then
  cp "${fonts[@]}" "$WINEPREFIX/drive_c/windows/Fonts/"
  {
    printf 'REGEDIT4\r\n\r\n[HKEY_LOCAL_MACHINE\\Software\\Microsoft\\Windows NT\\CurrentVersion\\Fonts]\r\n'
    for f in "${fonts[@]}"; do
      printf '"%s (TrueType)"="%s"\r\n' "$(basename "$f" .ttf)" "$(basename "$f")"
    done
  } >"$WINEPREFIX/drive_c/fonts.reg"
  "$wine" regedit.exe /S 'C:\fonts.reg' >/dev/null 2>&1
  rm "$WINEPREFIX/drive_c/fonts.reg"
fi
wineserver -w
rm -f "$WINEPREFIX/dosdevices/z:"   # nothing outside C: is reachable
echo "fresh wine prefix in $(( $(date +%s) - t0 )) s"

appdir_win='C:\Programme Ä Ω 日本'
appdir=$WINEPREFIX/drive_c/'Programme Ä Ω 日本'
mkdir -p "$appdir"
unzip -q "$zip" -d "$appdir" || { echo "FAIL unzip"; exit 1; }
bundle=$appdir/canopy-windows
bundle_win="$appdir_win\\canopy-windows"
# The logs, by a non-ASCII path on C: (links: the test data stay where they are).
logdir=$WINEPREFIX/drive_c/'Messdaten ü 測定'
logdir_win='C:\Messdaten ü 測定'
mkdir -p "$logdir"

# -- 1. subsystems -----------------------------------------------------------
subsystem () { "$objdump" -p "$1" | sed -n 's/^Subsystem[[:space:]]*[0-9a-f]*[[:space:]]*//p'; }
check "canopy.exe is a GUI program: $(subsystem "$bundle/canopy.exe")" \
  test "$(subsystem "$bundle/canopy.exe")" = "(Windows GUI)"
check "canopy-convert.exe is a console program" \
  test "$(subsystem "$bundle/canopy-convert.exe")" = "(Windows CUI)"

# -- 2. conversion through non-ASCII paths, byte for byte ---------------------
convert_same () {  # LOG: Windows and Linux convert it to identical candump text
  local log=$1 name="Messung ä $(basename "$1")"
  ln -s "$(cd "$(dirname "$log")" && pwd)/$(basename "$log")" "$logdir/$name"
  (cd "$bundle" && "$wine" canopy-convert.exe -q "$logdir_win\\$name" "$logdir_win\\$name → ö.log") \
    >"$work/convert.out" 2>&1 || { cat "$work/convert.out"; return 1; }
  "$linux_convert" -q "$log" "$work/linux.log" || return 1
  cmp "$work/linux.log" "$logdir/$name → ö.log"
}
for log in "$testdata"/logfile.asc "$testdata"/test_CanFdMessage64.blf; do
  check "canopy-convert.exe: $(basename "$log") by a non-ASCII path, same bytes as Linux" convert_same "$log"
done

# -- 3.-5. the application under Xvfb ----------------------------------------
# wine's desktop process (explorer.exe) lives as long as its wineserver: one
# started by the console runs above, without a display, would serve the GUI
# below and fail it (no clipboard, no windows). Let that session end first.
wineserver -w
gui_log=$testdata/logfile.asc
ln -sf "$(cd "$(dirname "$gui_log")" && pwd)/$(basename "$gui_log")" "$logdir/Fahrt ä.asc"
export wine bundle shots work here test_program
export gui_log_win="$logdir_win\\Fahrt ä.asc"
xvfb-run -a -s '-screen 0 1400x900x24' bash -c '
  set -u
  # The X window wine made for the GTK window titled "Canopy", if mapped.
  window_id () { xwininfo -root -children 2>/dev/null | sed -n "s/^ *\(0x[0-9a-f]*\) \"Canopy\": ([^)]*)  \([0-9]*\)x\([0-9]*\).*/\1 \2 \3/p" |
                 while read -r id w h; do [ "$w" -ge 400 ] && [ "$h" -ge 300 ] && { echo "$id"; break; }; done; }
  rows () { import -window "$1" -depth 8 ppm:- 2>/dev/null | /usr/bin/python3 "$here/screenshot-rows.py"; }
  run () {  # NAME ARGS...: start canopy.exe (with $run_env), wait for its window; prints the X window id
    local name=$1; shift
    local start=$SECONDS
    (cd "$bundle" && exec env ${run_env:-} "$wine" canopy.exe "$@") >"$work/$name.out" 2>"$work/$name.err" &
    # The first start in a new wine prefix is slow on a busy machine.
    while [ $((SECONDS - start)) -lt 180 ]; do
      id=$(window_id)
      if [ -n "$id" ]; then echo "     $name: window after $((SECONDS - start)) s" >&2; echo "$id"; return 0; fi
      sleep 0.5
    done
    return 1
  }
  stop () {  # close like a user: WM_CLOSE to the window, then wait for the exit
    "$wine" taskkill.exe /im canopy.exe >/dev/null 2>&1
    # wineserver ends a few seconds after the last program of this prefix
    timeout 30 wineserver -w && return 0
    wineserver -k; return 1
  }
  quiet () {  # NAME: the run said nothing GLib or GTK calls a warning
    local noise
    noise=$(grep -E "(WARNING|CRITICAL) \*\*" "$work/$1.err" |
            grep -viE "Gdk-WARNING \*\*: .*(keyboard layout|device node property|gdk_gl_context_make_current)")
    if [ -z "$noise" ]; then echo "ok   $1: no WARNING or CRITICAL on stderr"
    else echo "FAIL $1: WARNING or CRITICAL on stderr:"; printf "%s\n" "$noise" | head -n 20; fi
  }

  # 3. baseline: an empty virtual bus
  if id=$(run empty -i virtual -c empty-test-bus); then
    sleep 3
    base=$(rows "$id"); import -window root "$shots/empty-bus.png"
    echo "ok   window appears (empty bus): wide text lines / all text lines: $base"
  else
    echo "FAIL window appears (empty bus)"; cat "$work/empty.out" "$work/empty.err"; base="-1 -1"
  fi
  stop
  quiet empty
  base_wide=${base%% *}

  # 4. a log given on the command line
  if id=$(run log "$gui_log_win"); then
    n=""
    # logfile.asc has 20 frames: all fit in the window
    for _ in $(seq 30); do n=$(rows "$id"); [ "${n%% *}" -ge $((base_wide + 15)) ] && break; sleep 1; done
    import -window root "$shots/log.png"
    if [ "$base_wide" -ge 0 ] && [ "${n%% *}" -ge $((base_wide + 15)) ]; then
      echo "ok   log opened from a non-ASCII path shows rows: $n (empty: $base)"
    else echo "FAIL log opened from a non-ASCII path shows rows: $n (empty: $base)"; cat "$work/log.out" "$work/log.err"; fi
  else
    echo "FAIL window appears (log)"; cat "$work/log.out" "$work/log.err"
  fi
  stop
  quiet log

  # 5. the demo bus named by the bundle'"'"'s can.ini: live rows, in German
  # LC_MESSAGES, not LANG: wine reads the host'"'"'s file names in LANG'"'"'s
  # character set, and the host may have no de_DE.UTF-8 locale.
  german="LC_MESSAGES=de_DE.UTF-8 LANGUAGE=de"
  if id=$(run_env=$german run demo); then
    n=""
    for _ in $(seq 30); do n=$(rows "$id"); [ "${n%% *}" -ge $((base_wide + 10)) ] && break; sleep 1; done
    import -window "$id" "$work/live1.png"; sleep 1.5; import -window "$id" "$work/live2.png"
    import -window root "$shots/demo-bus.png"
    changed=$(compare -metric AE "$work/live1.png" "$work/live2.png" null: 2>&1)
    if [ "$base_wide" -ge 0 ] && [ "${n%% *}" -ge $((base_wide + 10)) ] && [ "${changed%% *}" -gt 200 ] 2>/dev/null; then
      echo "ok   demo bus shows live rows: $n (empty: $base), $changed pixels changed in 1.5 s"
    else echo "FAIL demo bus shows live rows: $n (empty: $base), ${changed:-?} pixels changed in 1.5 s"; cat "$work/demo.out" "$work/demo.err"; fi
  else
    echo "FAIL window appears (demo bus)"; cat "$work/demo.out" "$work/demo.err"
  fi
  if stop; then echo "ok   closed by WM_CLOSE"; else echo "FAIL closed by WM_CLOSE (killed)"; fi
  quiet demo

  # 7. the application'"'"'s Windows test program, from inside the bundle
  cp "$test_program" "$bundle/test-app-win32.exe"
  start=$SECONDS
  (cd "$bundle" && exec env $german CANOPY_TEST_IN_BUNDLE=1 timeout 300 "$wine" test-app-win32.exe) \
    >"$work/in-bundle.out" 2>&1
  rc=$?
  grep -E "^(ok|not ok) |^# (missing|icon .* scale 1$|[0-9]+ frames|mean)" "$work/in-bundle.out" | sed "s/^/     /"
  if [ "$rc" = 0 ] && ! grep -q "^not ok" "$work/in-bundle.out"; then
    echo "ok   test-app-win32.exe inside the bundle, in German: $(grep -c "^ok " "$work/in-bundle.out") tests passed in $((SECONDS - start)) s"
  else
    echo "FAIL test-app-win32.exe inside the bundle (exit $rc):"; tail -n 30 "$work/in-bundle.out"
  fi
  rm -f "$bundle/test-app-win32.exe"
  timeout 30 wineserver -w || wineserver -k
' 2>&1 | tee "$work/gui.log"
failures=$((failures + $(grep -c '^FAIL' "$work/gui.log")))

# -- settings: %APPDATA%, not the registry -----------------------------------
settings=$(find "$WINEPREFIX/drive_c/users" -path '*/AppData/Roaming/Canopy/settings.ini' -print -quit)
check "settings saved in %APPDATA%\\Canopy\\settings.ini${settings:+: $(tr '\n' ' ' <"$settings" | cut -c1-80)}" \
  grep -q 'window-width' "${settings:-/nonexistent}"
check "no settings in the registry (HKCU\\Software\\GSettings)" \
  bash -c "! grep -qi 'GSettings.*canopy' '$WINEPREFIX/user.reg'"

echo "screenshots: $shots/{empty-bus,log,demo-bus}.png (demo-bus in German)"
if [ "$failures" = 0 ]; then echo "test-bundle: all checks passed"; else echo "test-bundle: $failures checks FAILED"; fi
[ "$failures" = 0 ]
