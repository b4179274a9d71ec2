"""What `lms serve` sets in gunicorn beyond its command-line settings, also usable as a gunicorn
config module (`gunicorn -c python:lms.gunicorn_conf …`), which is how the bench serves the LMS
and its bare-Flask ceiling: both measured the way `lms serve` runs.
"""

import gc


def post_worker_init(worker) -> None:
    """Once a worker has loaded the app, collect the garbage its start left, then put
    everything still held (modules, mappers, the app and its extensions) out of the cyclic
    garbage collector's reach (`gc.freeze`).

    Each full collection otherwise walks every one of those objects, and the worker answers
    nobody meanwhile: in a replay of 600 autosaves in one process, one full collection took
    140 ms, 5 % of the replay's time; frozen, none ran. Frozen objects are still freed by
    reference counting when the last reference goes; a cycle among them that later becomes
    garbage stays until the worker ends, a bounded cost next to a pause on every full
    collection."""
    gc.collect()  # what the start left in cycles is freed now, not frozen for good
    gc.freeze()


#: The hooks above by gunicorn setting name, for `lms serve`'s in-process configuration.
HOOKS = {"post_worker_init": post_worker_init}
