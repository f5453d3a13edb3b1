"""Shared helper of the Python tests: run a program under mpiexec and fail with its output."""
import os
import shlex
import subprocess
import sys


def run_mpi(exe, args, np=1, expect_fail=False, timeout=300):
    """Run `exe args` on np ranks; return stdout, or stdout+stderr when a failure is expected.
    Exits the test with FAIL when the outcome is not the expected one."""
    mpi = shlex.split(os.environ.get("RUISSEL_MPIEXEC", "mpiexec --oversubscribe"))
    cmd = mpi + ["-n", str(np), exe] + [str(a) for a in args]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    if expect_fail:
        if out.returncode == 0:
            sys.exit(f"FAIL: expected an error from {' '.join(cmd)}")
        return out.stdout + out.stderr
    if out.returncode != 0:
        sys.exit(f"FAIL: {' '.join(cmd)}\n{out.stdout}\n{out.stderr}")
    return out.stdout
