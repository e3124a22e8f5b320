"""Judge mutants one at a time, each in a child forked from a process that has only imported the
libraries (as mutmut's forkserver does), against a selection of test files; run from mutants/.

    cd mutants && PRELOAD="smi_care.indicators smi_care.rules.status" nice -n 15 ../.venv/bin/python \
        ../scripts/mutation_fork.py sample.txt verdicts.txt -- tests/test_status_mutants.py

Appends "NAME EXIT_STATUS SECONDS" per mutant to the verdicts file (1: killed, 0: survived, 2: the
tests could not be collected) and skips the names already in it, so a stopped run resumes.
PRELOAD names modules to import before forking (with no mutant active); MUT_TIMEOUT the seconds
a child may take (300).
"""

from __future__ import annotations

import importlib
import os
import signal
import sys
import time


def main(argv: list[str]) -> int:
    list_file, out_file = argv[0], argv[1]
    args = argv[argv.index("--") + 1:]
    sys.path[:0] = [".", "src"]
    os.environ["MUTANT_UNDER_TEST"] = "none"
    import pytest

    for name in ["polars", "hypothesis", "attrs", *os.environ.get("PRELOAD", "").split()]:
        importlib.import_module(name)
    done: set[str] = set()
    if os.path.exists(out_file):
        with open(out_file) as f:
            done = {line.split()[0] for line in f if line.strip()}
    with open(list_file) as f:
        names = [line.strip() for line in f if line.strip() and line.strip() not in done]
    for mutant in names:
        start = time.time()
        pid = os.fork()
        if pid == 0:
            os.environ["MUTANT_UNDER_TEST"] = mutant
            null = os.open(os.devnull, os.O_WRONLY)
            os.dup2(null, 1)
            os.dup2(null, 2)
            code = pytest.main(["-p", "no:cacheprovider", "-o", "addopts=", "-q", "-x",
                                "--hypothesis-profile=mutation", *args])
            os._exit(int(code))
        deadline = start + float(os.environ.get("MUT_TIMEOUT", "300"))
        verdict: int | str
        while True:
            finished, status = os.waitpid(pid, os.WNOHANG)
            if finished:
                verdict = os.waitstatus_to_exitcode(status)
                break
            if time.time() > deadline:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
                verdict = "timeout"
                break
            time.sleep(0.2)
        with open(out_file, "a") as f:
            f.write(f"{mutant} {verdict} {time.time() - start:.0f}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
