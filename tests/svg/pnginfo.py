#!/usr/bin/env python3
"""pnginfo.py - width, height and pixel counts of colours in a PNG, for
tests/svg/check.sh.  Decodes 8-bit RGB/RGBA non-interlaced PNGs (what
rsvg-convert writes) with zlib only.

usage: pnginfo.py FILE [#rrggbb ...]
prints "W H" then, per colour, how many pixels have it exactly."""
import struct
import sys
import zlib


def read(path, decode):
    data = open(path, 'rb').read()
    if data[:8] != b'\x89PNG\r\n\x1a\n':
        sys.exit('%s: not a PNG' % path)
    pos, idat, hdr = 8, b'', None
    while pos < len(data):
        n, kind = struct.unpack('>I4s', data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b'IHDR':
            hdr = struct.unpack('>IIBBBBB', body)
        elif kind == b'IDAT':
            idat += body
        pos += 12 + n
    w, h, depth, ctype, _, _, interlace = hdr
    if not decode or depth != 8 or ctype not in (2, 6) or interlace:
        return w, h, None
    bpp = 3 if ctype == 2 else 4
    raw, stride, rows, prev = zlib.decompress(idat), w * bpp, [], bytearray(w * bpp)
    for y in range(h):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if f == 1:
                line[i] = (line[i] + a) & 255
            elif f == 2:
                line[i] = (line[i] + b) & 255
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line))
        prev = line
    return w, h, (rows, bpp)


def main():
    w, h, px = read(sys.argv[1], len(sys.argv) > 2)
    print(w, h)
    for col in sys.argv[2:]:
        rgb = bytes.fromhex(col.lstrip('#'))
        if px is None:
            print(-1)
            continue
        rows, bpp = px
        print(sum(1 for r in rows for i in range(0, len(r), bpp) if r[i:i + 3] == rgb))


main()
