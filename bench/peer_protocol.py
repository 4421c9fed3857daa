"""The protocol of the Python peers of the BENCHMARKS.md sections (bench/lib/common.mjs,
class PythonPeer): one JSON command per line on stdin, one JSON answer per line on stdout,
`{"ok": true, "result": ...}` or `{"ok": false, "error": "..."}`.

Every peer answers `{"cmd": "hello", "threads": N}` with its versions and settings and
`{"cmd": "exit"}` by exiting; `serve(handlers, hello)` runs the loop.
"""

import json
import os
import platform
import sys
import time


def reply(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def loaded_libraries(keys=("blas", "lapack", "gomp", "dnnl", "mkl")):
    """Shared libraries with BLAS/LAPACK/OpenMP in their names, from /proc/self/maps."""
    libs = set()
    try:
        with open("/proc/self/maps") as maps:
            for line in maps:
                fields = line.split()
                path = fields[-1] if len(fields) >= 6 else ""
                if any(key in os.path.basename(path) for key in keys):
                    libs.add(os.path.realpath(path))
    except OSError:
        pass
    return sorted(libs)


def base_info(threads):
    import numpy as np

    env_keys = (
        "OPENBLAS_NUM_THREADS",
        "OMP_NUM_THREADS",
        "OMP_WAIT_POLICY",
        "MALLOC_MMAP_THRESHOLD_",
        "MALLOC_TRIM_THRESHOLD_",
    )
    return {
        "python": platform.python_version(),
        "executable": sys.executable,
        "numpy": np.__version__,
        "threads": threads,
        "env": {key: os.environ.get(key) for key in env_keys},
    }


def clock():
    """(wall seconds, process CPU seconds) now."""
    return time.perf_counter(), time.process_time()


def since(start):
    """Milliseconds of wall and CPU time since `start` (from clock())."""
    wall, cpu = clock()
    return {"ms": (wall - start[0]) * 1000, "cpuMs": (cpu - start[1]) * 1000}


def serve(handlers, hello):
    for line in sys.stdin:
        cmd = json.loads(line)
        name = cmd.get("cmd")
        try:
            if name == "exit":
                reply({"ok": True, "result": None})
                return
            if name == "hello":
                info = hello(cmd.get("threads", 1))
                info["loadedLibraries"] = loaded_libraries()
                reply({"ok": True, "result": info})
            elif name in handlers:
                reply({"ok": True, "result": handlers[name](cmd)})
            else:
                reply({"ok": False, "error": "unknown command " + str(name)})
        except Exception as error:  # reported to the section, which records it
            reply({"ok": False, "error": repr(error)})
