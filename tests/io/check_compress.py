#!/usr/bin/python3
"""-out_compress (shuffle + deflate, written by parallel HDF5): the result of a 3-rank run at
level 6 holds bitwise the values of an uncompressed run on the same ranks (fields, maxima,
parameters, snapshots, gauges, hydrographs, attributes), every grid field is compressed and
smaller, the grid is larger than one 256 x 256 chunk in both directions so that chunks
straddle the ranks' blocks, and a level outside 0..9 is an error naming the option."""
import sys
from pathlib import Path

import h5py

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "restart"))
from restartlib import check, compare, finish, make_case, run  # noqa: E402


def main():
    work = Path.cwd() / "compress_work"
    opts = make_case(work, nx=300, ny=270, tfinal=60.0)
    opts.update(out_interval=20)
    for level in (0, 6):
        rc, out = run(work, {**opts, "out_file": f"c{level}.h5", "out_compress": level}, 3, f"c{level}")
        check(f"3 ranks, -out_compress {level}", rc == 0, out[-1500:] if rc else "")
        if rc:
            return finish()
    compare("-out_compress 6 against 0", work / "c6.h5", work / "c0.h5", exact_all=True)
    with h5py.File(work / "c6.h5") as f, h5py.File(work / "c0.h5") as g:
        two_d = []  # the grid's fields (tables and series stay small and contiguous)
        f.visititems(lambda n, o: two_d.append(n) if isinstance(o, h5py.Dataset) and o.shape == (270, 300) else None)
        check(f"{len(two_d)} grid fields, among them /fields/h and snapshots", "fields/h" in two_d and any(n.startswith("snapshots/") for n in two_d), two_d[:5])
        plain = [n for n in two_d if f[n].compression != "gzip" or not f[n].shuffle or f[n].compression_opts != 6]
        check("every grid field: shuffle + deflate level 6", not plain, plain)
        size = lambda h, n: h[n].id.get_storage_size()
        larger = [n for n in two_d if size(f, n) >= size(g, n)]
        check("every grid field stored smaller than uncompressed", not larger, larger)
        r = sum(size(f, n) for n in two_d) / sum(size(g, n) for n in two_d)
        print(f"     compressed / uncompressed bytes of the grid fields: {r:.3f}")
    for bad in (-1, 10):
        rc, out = run(work, {**opts, "out_file": f"bad{bad}.h5", "out_compress": bad}, 2, f"bad{bad}")
        check(f"-out_compress {bad}: refused, the option named",
              rc != 0 and f"-out_compress {bad}: the deflate level is 0 (none) to 9" in out and not (work / f"bad{bad}.h5").exists(), out[-600:])
    finish()


if __name__ == "__main__":
    main()
