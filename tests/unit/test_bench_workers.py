"""The bench reads each gunicorn worker's resident size from /proc: the master's children."""

import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

from bench.servers import Server, resident_mb, worker_pids, workers_rss_mb


def test_workers_are_the_masters_children_with_their_resident_size():
    """A child of this process is found as a worker, with a size in MB; an ended one has none."""
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        me = Server("me", 0, SimpleNamespace(pid=os.getpid()), Path("unused.log"))
        assert child.pid in worker_pids(me)
        assert resident_mb(child.pid) > 1
        assert str(child.pid) in workers_rss_mb(me)
    finally:
        child.kill()
        child.wait()
    assert resident_mb(child.pid) is None
