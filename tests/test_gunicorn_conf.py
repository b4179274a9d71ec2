"""The gunicorn hooks `lms serve` installs, which the bench also serves with
(`-c python:lms.gunicorn_conf`): a worker that has loaded the app freezes what it loaded out of
the cyclic garbage collector's reach.
"""

import gc

from gunicorn.app.base import Application, BaseApplication
from gunicorn.config import Config

from lms import cli, gunicorn_conf


def test_a_loaded_worker_freezes_what_it_loaded():
    already = gc.get_freeze_count()
    gc.unfreeze()
    try:
        assert gc.get_freeze_count() == 0
        gunicorn_conf.post_worker_init(worker=None)
        # Everything this process holds (the app, its modules) left the collector's generations.
        assert gc.get_freeze_count() > 1000
    finally:
        gc.unfreeze()
        if already:
            gc.freeze()


def test_gunicorn_reads_the_hooks_from_the_config_module():
    """What the bench passes on gunicorn's command line sets the same hook `lms serve` sets."""

    class Probe(Application):
        def init(self, parser, opts, args):
            return None

        def load(self):
            return None

    probe = Probe.__new__(Probe)
    probe.cfg = Config()
    settings = probe.load_config_from_module_name_or_filename("python:lms.gunicorn_conf")
    assert settings["post_worker_init"] is gunicorn_conf.post_worker_init
    assert probe.cfg.post_worker_init is gunicorn_conf.post_worker_init


def test_lms_serve_sets_the_hooks(tmp_path, monkeypatch):
    monkeypatch.setenv("LMS_INSTANCE_PATH", str(tmp_path))
    configured: list[Config] = []
    monkeypatch.setattr(BaseApplication, "run", lambda self: configured.append(self.cfg))
    cli.serve_app("127.0.0.1", 5000, 1, job_worker=False)
    (config,) = configured
    assert config.post_worker_init is gunicorn_conf.post_worker_init
    assert config.workers == 1
