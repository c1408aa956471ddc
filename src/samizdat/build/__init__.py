"""Builds: editions in parallel worker processes, skipped when their inputs are unchanged,
every output written to a temporary file and renamed into place.

- ``plan``: read and check the manuscript, choose the editions, find the stale ones, group
  them into jobs (print editions sharing a page size share one layout);
- ``state``: fingerprints of every edition's inputs, recorded with its output;
- ``run``: the jobs in worker processes, atomic outputs, ``clean``;
- ``progress``: what a build says while it works.
"""

from samizdat.build.plan import (
    BuildPlan,
    Job,
    default_styles_dir,
    group_jobs,
    plan_build,
    source_date_epoch,
)
from samizdat.build.progress import Progress
from samizdat.build.run import EditionResult, atomic_output, build, clean, remove_partials, run_job
from samizdat.build.state import STATE_DIR, TEMP_SUFFIX, fingerprint

__all__ = [
    "STATE_DIR", "TEMP_SUFFIX", "BuildPlan", "EditionResult", "Job", "Progress", "atomic_output",
    "build", "clean", "default_styles_dir", "fingerprint", "group_jobs", "plan_build",
    "remove_partials", "run_job", "source_date_epoch",
]
