#!/usr/bin/env python3
"""Writes MNIST test digits as the PNGs people post to `serve`: the load test's request bodies.

  digit-pngs.py MNIST_DIR OUT_DIR COUNT

OUT_DIR/mnist/NNNN-L.png: the digit as it is (28x28 grey, white ink on black);
OUT_DIR/canvas/NNNN-L.png: as the page's canvas sends it (280x280 RGBA, black ink on opaque white, each pixel
10x10). L is the label. Plain zlib + struct: no imaging library needed.
"""
import os
import struct
import sys
import zlib


def png(width, height, colour_type, rows):
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    raw = b"".join(b"\x00" + row for row in rows)  # filter type 0 on every row
    header = struct.pack(">IIBBBBB", width, height, 8, colour_type, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 6)) + chunk(b"IEND", b"")


def main(mnist, out, count):
    with open(os.path.join(mnist, "t10k-images-idx3-ubyte"), "rb") as f:
        images = f.read()[16:]
    with open(os.path.join(mnist, "t10k-labels-idx1-ubyte"), "rb") as f:
        labels = f.read()[8:]
    if len(labels) < count:
        sys.exit(f"digit-pngs.py: COUNT {count} is more than the {len(labels)} test digits in {mnist}; give 1 to "
                 f"{len(labels)}")
    for kind in ("mnist", "canvas"):
        os.makedirs(os.path.join(out, kind), exist_ok=True)
    for i in range(count):
        digit = images[784 * i:784 * (i + 1)]
        name = "%04d-%d.png" % (i, labels[i])
        rows = [digit[28 * y:28 * (y + 1)] for y in range(28)]
        with open(os.path.join(out, "mnist", name), "wb") as f:
            f.write(png(28, 28, 0, rows))
        canvas = []
        for y in range(280):
            row = bytearray()
            for x in range(280):
                g = 255 - digit[28 * (y // 10) + x // 10]
                row += bytes((g, g, g, 255))
            canvas.append(bytes(row))
        with open(os.path.join(out, "canvas", name), "wb") as f:
            f.write(png(280, 280, 6, canvas))


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    if not sys.argv[3].isdigit() or int(sys.argv[3]) < 1:
        sys.exit(f"digit-pngs.py: COUNT '{sys.argv[3]}' is not a whole number of at least 1")
    for name in ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"):
        if not os.path.isfile(os.path.join(sys.argv[1], name)):
            sys.exit(f"digit-pngs.py: no {name} in {sys.argv[1]}; give MNIST's folder (data/mnist)")
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]))
