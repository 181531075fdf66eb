#!/usr/bin/env python3
"""Lets TorchSharp 0.107's native library load on Debian 12 (libstdc++ up to GLIBCXX_3.4.30).

    python3 benchmarks/StaticCnn.Anchors/weaken_glibcxx.py path/to/libLibTorchSharp.so [VERSION ...]

libLibTorchSharp.so asks for GLIBCXX_3.4.32, and the dynamic loader refuses a library whose version requirement the
system libstdc++ does not define. The only symbol bound to that version is std::ios_base_library_init, which a
library built with GCC 13 references to initialise iostreams early and which nothing here calls (it is bound lazily,
through the PLT). Setting VER_FLG_WEAK (0x2) on that one requirement (an Elf64_Vernaux entry in .gnu.version_r) turns
the refusal into nothing: glibc skips a missing weak version requirement. The file is edited in place; run it on the
build output's copy, never on the NuGet cache. Idempotent. Default VERSION: GLIBCXX_3.4.32 (also 3.4.31 if present).
"""
import struct
import sys

SHT_GNU_VERNEED = 0x6FFFFFFE
VER_FLG_WEAK = 0x2


def weaken(path, versions):
    with open(path, "r+b") as f:
        data = bytearray(f.read())
        if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
            raise SystemExit(f"{path}: not a little-endian ELF64 file")
        shoff, = struct.unpack_from("<Q", data, 0x28)
        shentsize, shnum = struct.unpack_from("<HH", data, 0x3A)
        sections = [struct.unpack_from("<IIQQQQIIQQ", data, shoff + i * shentsize) for i in range(shnum)]
        changed = []
        for (_, sh_type, _, _, sh_offset, _, sh_link, sh_info, _, _) in sections:
            if sh_type != SHT_GNU_VERNEED:
                continue
            strtab = sections[sh_link][4]
            vn = sh_offset
            for _ in range(sh_info):   # sh_info = number of Verneed entries
                vn_version, vn_cnt, vn_file, vn_aux, vn_next = struct.unpack_from("<HHIII", data, vn)
                aux = vn + vn_aux
                for _ in range(vn_cnt):
                    vna_hash, vna_flags, vna_other, vna_name, vna_next = struct.unpack_from("<IHHII", data, aux)
                    end = data.index(b"\0", strtab + vna_name)
                    name = data[strtab + vna_name:end].decode()
                    if name in versions:
                        if not vna_flags & VER_FLG_WEAK:
                            struct.pack_into("<H", data, aux + 4, vna_flags | VER_FLG_WEAK)
                            changed.append(name)
                        else:
                            changed.append(name + " (already weak)")
                    aux += vna_next
                vn += vn_next
        f.seek(0)
        f.write(data)
    print(f"{path}: {', '.join(changed) if changed else 'no matching version requirement'}")


if __name__ == "__main__":
    if len(sys.argv) < 2:
        raise SystemExit(__doc__)
    weaken(sys.argv[1], set(sys.argv[2:]) or {"GLIBCXX_3.4.32", "GLIBCXX_3.4.31"})
