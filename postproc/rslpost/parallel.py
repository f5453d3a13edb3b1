"""Running postproc on one process or under mpiexec, with results that do not depend on the
rank count.

mpi4py is imported only when the process was launched by mpiexec (its environment says so)
or --mpi is given: a plain run never needs it. The rows of a field are cut into blocks of a
fixed height (chosen from the memory budget, never from the rank count); each rank takes a
contiguous run of blocks. Reductions gather every block's partial to rank 0, which folds
them in block order (float sums one after the other, counts as exact integers, maxima and
minima), then broadcasts the result: 1 or 4 ranks give the same bits."""
import os

from .result import ResultError

# Environment variables set by mpiexec of Open MPI, MPICH/Hydra and PMIx launchers
MPI_ENV = ("OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_RANK", "MPI_LOCALNRANKS")


class Serial:
    """The communicator of a plain run: one rank."""
    rank, size = 0, 1

    def gather(self, x):
        return [x]

    def bcast(self, x):
        return x

    def allgather(self, x):
        return [x]

    def barrier(self):
        pass


SERIAL = Serial()


def launched_by_mpiexec():
    return any(os.environ.get(v) for v in MPI_ENV)


def comm(force=False):
    """MPI.COMM_WORLD when launched by mpiexec or force (--mpi), else the serial one."""
    if not (force or launched_by_mpiexec()):
        return SERIAL
    try:
        from mpi4py import MPI
    except ImportError as e:
        raise ResultError(f"--mpi / mpiexec: mpi4py is not installed ({e}); apt-get install python3-mpi4py") from e
    return MPI.COMM_WORLD


def my_blocks(nblocks, c):
    """The contiguous range of block indices of rank c.rank."""
    return range(nblocks * c.rank // c.size, nblocks * (c.rank + 1) // c.size)


def checked(c, fn, *args, **kw):
    """fn(*args, **kw) on every rank; a ResultError on any rank is raised on all of them (the
    lowest rank's message), so a bad input never leaves the others waiting in a collective."""
    err, out = None, None
    try:
        out = fn(*args, **kw)
    except ResultError as e:
        err = str(e)
    errs = [e for e in c.allgather(err) if e]
    if errs:
        raise ResultError(errs[0])
    return out


class Fold:
    """Per-block partials of named quantities, folded in block order on rank 0.

    add(block, key, value, op): value a number (op 'sum', 'max', 'min'), or, for quantities
    per zone, a pair (zone ids, values) of numpy arrays (ids unique within the block). Float
    sums are added in block order, integer ones exactly; result() is the same on every rank
    and for any rank count."""

    def __init__(self, c):
        self.c, self.parts = c, []

    def add(self, block, key, value, op="sum"):
        self.parts.append((block, key, op, value))

    def result(self):
        """{key: folded value} (a dict {zone id: value} for per-zone quantities)."""
        gathered = self.c.gather(self.parts)
        out = None
        if self.c.rank == 0:
            out = {}
            parts = sorted((p for g in gathered for p in g), key=lambda p: p[0])  # stable: block order
            for _, key, op, v in parts:
                if isinstance(v, tuple):
                    d = out.setdefault(key, {})
                    for i, x in zip(v[0].tolist(), v[1].tolist()):
                        d[i] = _combine(d.get(i), x, op)
                else:
                    out[key] = _combine(out.get(key), v, op)
        return self.c.bcast(out)


def _combine(acc, x, op):
    if acc is None:
        return x
    if op == "sum":
        return acc + x
    return max(acc, x) if op == "max" else min(acc, x)
