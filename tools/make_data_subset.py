#!/usr/bin/env python3
"""Makes the bundled Fashion-MNIST subset in samples/data/fashion-mnist/.

Takes the FIRST 10,000 training and the FIRST 2,000 test images (and their labels) of the original
Fashion-MNIST IDX files, in their original order, and writes them as gzip'd IDX files of the same format.
The gzip header has mtime=0 and no file name, so the output is byte-for-byte reproducible.

    /usr/bin/python3 tools/make_data_subset.py [--source /usr/share/datasets/fashion-mnist] [--out samples/data/fashion-mnist]

Needs only the Python standard library.
"""
import argparse
import gzip
import hashlib
import io
import os
import struct
import sys

TRAIN_N = 10_000
TEST_N = 2_000
FILES = [
    # (file name, count)
    ("train-images-idx3-ubyte.gz", TRAIN_N),
    ("train-labels-idx1-ubyte.gz", TRAIN_N),
    ("t10k-images-idx3-ubyte.gz", TEST_N),
    ("t10k-labels-idx1-ubyte.gz", TEST_N),
]


def read_idx(path):
    """Returns (magic, dims, payload bytes) of a gzip'd IDX file."""
    with gzip.open(path, "rb") as f:
        raw = f.read()
    magic = struct.unpack(">I", raw[:4])[0]
    ndim = magic & 0xFF
    if (magic >> 8) != 0x08:  # 0x08 = unsigned byte
        raise ValueError(f"{path}: not an unsigned-byte IDX file (magic {magic:#x})")
    dims = list(struct.unpack(">" + "I" * ndim, raw[4:4 + 4 * ndim]))
    return magic, dims, raw[4 + 4 * ndim:]


def subset(magic, dims, payload, n):
    if n > dims[0]:
        raise ValueError(f"asked for {n} items, file has {dims[0]}")
    item = 1
    for d in dims[1:]:
        item *= d
    new_dims = [n] + dims[1:]
    header = struct.pack(">I", magic) + struct.pack(">" + "I" * len(new_dims), *new_dims)
    return header + payload[:n * item]


def write_gz(path, data):
    buf = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buf, mtime=0, compresslevel=9) as g:
        g.write(data)
    with open(path, "wb") as f:
        f.write(buf.getvalue())


def main(argv=None):
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--source", default="/usr/share/datasets/fashion-mnist")
    ap.add_argument("--out", default=os.path.join(here, "..", "samples", "data", "fashion-mnist"))
    args = ap.parse_args(argv)
    os.makedirs(args.out, exist_ok=True)
    for name, n in FILES:
        magic, dims, payload = read_idx(os.path.join(args.source, name))
        data = subset(magic, dims, payload, n)
        out = os.path.join(args.out, name)
        write_gz(out, data)
        line = f"{name}: {n} of {dims[0]} items, {os.path.getsize(out)} bytes, sha256 {hashlib.sha256(open(out, 'rb').read()).hexdigest()}"
        if "labels" in name:
            counts = [0] * 10
            for b in data[8:]:
                counts[b] += 1
            line += f", per-class counts {counts}"
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
