#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# The export macros work: every function a public header declares with
# CANOPY_AVAILABLE_IN_ALL (and every G_DECLARE_* type's get_type) is exported
# by the shared library — libcanopy-1.so, or libcanopy-1-0.dll where a
# missing __declspec(dllexport) would only show up as a link error in a
# user's program — and the library exports nothing else (no _canopy_
# internals). TAP output for meson.
#
# usage: check-exports.py OBJDUMP LIBRARY HEADER...

import re
import subprocess
import sys

objdump, library, headers = sys.argv[1], sys.argv[2], sys.argv[3:]

declared = set()
for path in headers:
    text = open(path, encoding='utf-8').read()
    text = re.sub(r'/\*.*?\*/', ' ', text, flags=re.S)
    text = re.sub(r'//[^\n]*', ' ', text)
    for m in re.finditer(r'CANOPY_AVAILABLE_IN_ALL\s+([^;]*?)(?:;|\)\s*\n)', text + '\n'):
        decl = m.group(1)
        d = re.match(r'G_DECLARE_\w+\s*\(\s*\w+\s*,\s*(\w+)', decl)
        if d:
            declared.add(d.group(1) + '_get_type')
            continue
        f = re.search(r'\b([A-Za-z_]\w*)\s*\(', decl)
        if f:
            declared.add(f.group(1))

out = subprocess.run([objdump, '-p' if library.endswith('.dll') else '-T', library],
                     check=True, capture_output=True, text=True).stdout
exported = set()
if library.endswith('.dll'):
    in_table = False
    for line in out.splitlines():
        if line.startswith('[Ordinal/Name Pointer] Table'):
            in_table = True
        elif in_table:
            m = re.match(r'\s*\[\s*\d+\]\s+(\S+)\s*$', line)
            if not m:
                break
            exported.add(m.group(1))
else:
    for line in out.splitlines():
        parts = line.split()
        if len(parts) >= 6 and ' DF ' in line and '*UND*' not in line:
            exported.add(parts[-1])

missing = sorted(declared - exported)
extra = sorted(s for s in exported - declared
               if not re.match(r'canopy_\w+_get_type$', s))  # generated enum types
internal = sorted(s for s in exported if not s.startswith('canopy_'))

checks = [
    ('declared functions found in the headers (%d)' % len(declared), len(declared) > 20, []),
    ('every declared function is exported by %s' % library.rsplit('/', 1)[-1], not missing, missing),
    ('nothing but canopy_ API is exported (%d symbols)' % len(exported), not internal, internal),
]
print('1..%d' % len(checks))
for i, (what, ok, details) in enumerate(checks, 1):
    print('%s %d - %s' % ('ok' if ok else 'not ok', i, what))
    for d in details:
        print('#   %s' % d)
if extra:
    print('# exported without a declaration in the headers given: ' + ', '.join(extra))
sys.exit(0 if all(ok for _, ok, _ in checks) else 1)
