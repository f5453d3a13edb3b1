"""ruissel validation: independent references (analytic.py), case builders (cases.py),
the shared run/read/report helpers (harness.py) and the case runner (run.py).
See validation/README.md."""
