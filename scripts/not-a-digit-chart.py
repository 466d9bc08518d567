#!/usr/bin/env python3
"""The not-a-digit trade-off curve as an SVG, from NotADigitStudy's CSV (docs/not-a-digit.md).

  not-a-digit-chart.py CURVE.csv OUT.svg CHOSEN_DIGITS CHOSEN_NOT_DIGITS

x: share of real digit pictures refused (validation digits), y: share of the 160 held-out not-digit pictures refused,
one line per score; the chosen point is marked. Plain SVG text: no plotting library needed.
"""
import csv
import os
import sys

COLOURS = {"max-softmax": "#888888", "energy": "#b07aa1", "mahalanobis": "#59a14f", "detector": "#4e79a7",
           "detector×softmax": "#e15759", "calibrate s1": "#f28e2b", "calibrate s2": "#edc948",
           "calibrate s3": "#9c755f"}
W, H, L, T, R, B = 640, 400, 60, 20, 170, 50
XMAX = 0.10


def main(curve, out, chosen_x, chosen_y):
    lines = {}
    with open(curve, newline="") as f:
        for row in csv.DictReader(f):
            lines.setdefault(row["score"], []).append((float(row["refused_validation_digits"]),
                                                       float(row["refused_held_out"])))

    def x(v):
        return L + (W - L - R) * min(v, XMAX) / XMAX

    def y(v):
        return T + (H - T - B) * (1 - v)

    s = ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" font-family="sans-serif" font-size="12">' % (W, H),
         '<rect width="100%" height="100%" fill="white"/>']
    for i in range(0, 11, 2):
        v = XMAX * i / 10
        s.append('<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="#eee"/>' % (x(v), T, x(v), H - B))
        s.append('<text x="%.1f" y="%d" text-anchor="middle">%d%%</text>' % (x(v), H - B + 16, round(100 * v)))
    for i in range(0, 11, 2):
        v = i / 10
        s.append('<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="#eee"/>' % (L, y(v), W - R, y(v)))
        s.append('<text x="%d" y="%.1f" text-anchor="end">%d%%</text>' % (L - 6, y(v) + 4, round(100 * v)))
    s.append('<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="#999" stroke-dasharray="4 3"/>' % (x(0.03), T, x(0.03), H - B))
    s.append('<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="#999" stroke-dasharray="4 3"/>' % (L, y(0.8), W - R, y(0.8)))
    s.append('<text x="%.1f" y="%.1f" fill="#666">goal</text>' % (x(0.03) + 4, y(0.8) - 6))
    for n, (name, points) in enumerate(lines.items()):
        points = sorted(p for p in points if p[0] <= XMAX)
        colour = COLOURS.get(name, "#333")
        s.append('<polyline fill="none" stroke="%s" stroke-width="2" points="%s"/>'
                 % (colour, " ".join("%.1f,%.1f" % (x(a), y(b)) for a, b in points)))
        s.append('<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="%s" stroke-width="3"/>'
                 % (W - R + 12, T + 10 + 18 * n, W - R + 30, T + 10 + 18 * n, colour))
        s.append('<text x="%d" y="%d">%s</text>' % (W - R + 36, T + 14 + 18 * n, name))
    s.append('<circle cx="%.1f" cy="%.1f" r="5" fill="none" stroke="black" stroke-width="2"/>' % (x(chosen_x), y(chosen_y)))
    s.append('<text x="%.1f" y="%.1f">chosen: %.1f%% / %.1f%%</text>' % (x(chosen_x) + 8, y(chosen_y) + 16,
                                                                          100 * chosen_x, 100 * chosen_y))
    s.append('<text x="%.1f" y="%d" text-anchor="middle">validation digit pictures refused</text>' % ((L + W - R) / 2, H - 10))
    s.append('<text transform="translate(16,%.1f) rotate(-90)" text-anchor="middle">held-out not-digit pictures refused'
             '</text>' % ((T + H - B) / 2))
    s.append("</svg>")
    with open(out, "w") as f:
        f.write("\n".join(s) + "\n")


if __name__ == "__main__":
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    shares = []
    for name, v in (("CHOSEN_DIGITS", sys.argv[3]), ("CHOSEN_NOT_DIGITS", sys.argv[4])):
        try:
            shares.append(float(v))
        except ValueError:
            shares.append(None)
        if shares[-1] is None or not 0 <= shares[-1] <= 1:
            sys.exit(f"not-a-digit-chart.py: {name} '{v}' is not a share from 0 to 1 (write 2% as 0.02)")
    if not os.path.isfile(sys.argv[1]):
        sys.exit(f"not-a-digit-chart.py: no CSV at {sys.argv[1]}; give NotADigitStudy's curve CSV")
    main(sys.argv[1], sys.argv[2], *shares)
