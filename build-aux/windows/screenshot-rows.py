#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Count the lines of table text in a screenshot of a window (PPM on stdin).

Under wine there is no accessibility tree to ask for the rows of Canopy's
trace, so test-bundle.sh reads them off the screen: a line of table text is
a band of scan lines with glyph pixels (far from the background's
brightness), as tall as text, whose glyphs spread across a good part of the
window width (a trace row has its time at the left and its data bytes further
right; a label, a button or a narrow panel does not). The caller compares
the count with that of the same window showing no frames, so the header
bar and the column titles cancel out.

Prints: "<wide lines> <all text lines>".
"""
import sys


def read_ppm(stream):
    data = stream.read()
    fields = []
    pos = 0
    while len(fields) < 4:
        while data[pos:pos + 1].isspace():
            pos += 1
        if data[pos:pos + 1] == b"#":
            pos = data.index(b"\n", pos) + 1
            continue
        end = pos
        while not data[end:end + 1].isspace():
            end += 1
        fields.append(data[pos:end])
        pos = end
    if fields[0] != b"P6" or int(fields[3]) != 255:
        raise SystemExit("screenshot-rows: expected an 8-bit binary PPM (P6)")
    width, height = int(fields[1]), int(fields[2])
    pixels = data[pos + 1:pos + 1 + 3 * width * height]
    return width, height, pixels


def main():
    width, height, px = read_ppm(sys.stdin.buffer)
    # Integer luminance per pixel, and the background as the commonest one.
    lum = bytearray(width * height)
    histogram = [0] * 256
    for i in range(width * height):
        v = (299 * px[3 * i] + 587 * px[3 * i + 1] + 114 * px[3 * i + 2]) // 1000
        lum[i] = v
        histogram[v] += 1
    background = max(range(256), key=histogram.__getitem__)

    spans = []  # per scan line: (number of glyph pixels, leftmost, rightmost)
    for y in range(height):
        row = lum[y * width:(y + 1) * width]
        xs = [x for x in range(width) if abs(row[x] - background) > 80]
        spans.append((len(xs), xs[0] if xs else 0, xs[-1] if xs else 0))

    wide = 0
    lines = 0
    y = 0
    while y < height:
        if spans[y][0] < 2:
            y += 1
            continue
        top = y
        left, right = spans[y][1], spans[y][2]
        while y < height and spans[y][0] >= 2:
            left = min(left, spans[y][1])
            right = max(right, spans[y][2])
            y += 1
        band_height = y - top
        # Text is 5..30 px tall at 96 dpi; taller bands are icons, selections, frames.
        if 5 <= band_height <= 30:
            lines += 1
            if right - left >= 0.3 * width:
                wide += 1
    print(wide, lines)


if __name__ == "__main__":
    main()
