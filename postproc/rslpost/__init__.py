"""rslpost: post-processing of ruissel HDF5 results (maps, hydrographs, indicators, scenario
comparison, report). Reads only the documented result layout (docs/user-guide.md). The
command line is postproc/ruissel_post.py."""
from .result import Result, ResultError  # noqa: F401
