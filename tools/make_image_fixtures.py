#!/usr/bin/env python3
"""Writes the small PNG/PGM files of tests/Fixtures/images with PIL (an encoder independent of ours), for
tests/StaticCnn.Tests/Runtime/ImageFileTests.cs. Pixel (x, y) of channel c holds (37*x + 91*y + 50*c) % 256
(16-bit: that value * 257 + x).

    /usr/bin/python3 tools/make_image_fixtures.py      # Debian's python3-pil
"""
import os

import numpy as np
from PIL import Image

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "Fixtures", "images")
W, H = 7, 5


def pattern(channels):
    y, x = np.mgrid[0:H, 0:W]
    return np.stack([(37 * x + 91 * y + 50 * c) % 256 for c in range(channels)], axis=-1).astype(np.uint8)


def main():
    os.makedirs(OUT, exist_ok=True)
    Image.fromarray(pattern(1)[..., 0], "L").save(os.path.join(OUT, "gray8.png"))
    Image.fromarray(pattern(3), "RGB").save(os.path.join(OUT, "rgb8.png"))
    Image.fromarray(pattern(4), "RGBA").save(os.path.join(OUT, "rgba8.png"))
    y, x = np.mgrid[0:H, 0:W]
    Image.fromarray((pattern(1)[..., 0].astype(np.uint16) * 257 + x).astype(np.uint16)).save(os.path.join(OUT, "gray16.png"))
    # Palette: 4 colours, so that PIL packs 2 bits per pixel; index (x + y) % 4.
    p = Image.fromarray(((x + y) % 4).astype(np.uint8), "P")
    p.putpalette([0, 0, 0, 255, 0, 0, 0, 255, 0, 10, 20, 30])
    p.save(os.path.join(OUT, "palette2.png"), bits=2)
    Image.fromarray(pattern(1)[..., 0], "L").save(os.path.join(OUT, "gray8.pgm"))  # P5
    print("wrote", sorted(os.listdir(OUT)))


if __name__ == "__main__":
    main()
