"""gunicorn settings for every Staffroom web process (gateway, frontend, services)."""

import os

# Threads, not more processes: the work waits on NATS, SQL and the next hop, and each
# process keeps one NATS connection. Two processes for two cores (`staffroom up` runs its
# front door as one: deploy/together.py front_door_size).
worker_class = "gthread"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
threads = int(os.environ.get("STAFFROOM_THREADS", "8"))
timeout = 60
graceful_timeout = 10
keepalive = 5
# Every request once, at the gateway: `staffroom up` sets STAFFROOM_NO_ACCESS_LOG=1 for the
# others (deploy/launcher.py), whose log would repeat it; none is then even formatted.
accesslog = None if os.environ.get("STAFFROOM_NO_ACCESS_LOG") == "1" else "-"
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms'
logger_class = "deploy.access_log.SecretsMasked"  # no calendar feed's token in the log
# Only when asked (STAFFROOM_RELOAD=1 while editing code): the file-watching reloader costs
# every worker CPU on every request, and `make run` and the demo do not need it.
reload = os.environ.get("STAFFROOM_RELOAD") == "1"
# gunicorn 25+ opens a control socket at one fixed path per user: several gunicorns at once
# (gateway, frontend, services) would fight over it, and nothing here uses it.
control_socket_disable = True


def post_worker_init(worker):
    """/healthz, /readyz and /metrics in every web process (deploy/probe.py)."""
    from deploy.probe import ProbeMiddleware

    worker.wsgi = ProbeMiddleware(worker.wsgi)
