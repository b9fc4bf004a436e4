"""The sandbox served for the benchmarks, with the sandbox's settings from the environment.

``python bench/serve.py 127.0.0.1:PORT``: Django's ``runserver`` (threaded, no reloader) whose connections send
without delay (TCP_NODELAY). Used by ``bench/eligibility.py``. Plain ``runserver`` writes a response's headers and
body in two sends; on a keep-alive connection Nagle's algorithm holds the body until the client's delayed ACK of
the headers, about 40 ms on Linux, which would swamp the application time being measured. Everything else is
``runserver`` itself.

``python bench/serve.py --gunicorn WORKERS [--connections N] 127.0.0.1:PORT``: gunicorn with WORKERS worker
processes, the way a deployment serves the WSGI application; used by ``bench/webhooks.py``. Each worker (``gthread``)
keeps up to N keep-alive connections, with a thread for each, and the listening socket has TCP_NODELAY, which the
connections inherit, for the reason above. The application is loaded and warmed up once, in the master, before the
workers are forked (``preload_app``): the URLconf, and with it the GraphQL schema, is otherwise imported by each
worker on its first request, which costs a second or more of CPU in the middle of a measurement. No database
connection is open when the workers fork.
"""

import argparse
import socket
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("address", help="host:port")
    parser.add_argument("--gunicorn", type=int, metavar="WORKERS", help="serve with gunicorn and WORKERS workers")
    parser.add_argument(
        "--connections", type=int, default=1, help="with --gunicorn: keep-alive connections per worker (default 1)"
    )
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    if args.gunicorn:
        gunicorn(args.address, args.gunicorn, args.connections)
    else:
        runserver(args.address)


def runserver(address: str) -> None:
    from django.contrib.staticfiles.management.commands.runserver import Command as RunServer
    from django.core.management import call_command
    from django.core.servers.basehttp import WSGIServer

    class NoDelayWSGIServer(WSGIServer):
        def get_request(self):
            conn, address = super().get_request()
            conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            return conn, address

    class NoDelayRunServer(RunServer):
        server_cls = NoDelayWSGIServer

    call_command(NoDelayRunServer(), address, use_reloader=False)


def gunicorn(address: str, workers: int, connections_per_worker: int) -> None:
    from django.core.wsgi import get_wsgi_application
    from django.db import connections
    from django.urls import get_resolver
    from gunicorn.app.base import BaseApplication
    from gunicorn.workers.gthread import ThreadWorker

    application = get_wsgi_application()
    get_resolver().url_patterns  # noqa: B018  (imports the URLconf and everything it names, once)
    connections.close_all()

    def no_delay(server):
        # Accepted connections inherit TCP_NODELAY from the listening socket (Linux): with keep-alive, the
        # response's headers and body, written apart, then go out at once (see the runserver case above).
        for listener in server.LISTENERS:
            listener.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    class KeepAliveWorker(ThreadWorker):
        """gthread, keeping every connection it takes alive: gthread keeps no more than ``worker_connections``
        less ``threads``, none with a thread per connection."""

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.max_keepalived = self.worker_connections

        @classmethod
        def check_config(cls, cfg, log):
            pass

    class Server(BaseApplication):
        def load_config(self):
            options = {
                "bind": address,
                "workers": workers,
                # Keep-alive connections, each worker taking no more than its share of them (a worker with
                # room accepts the next one, however busy it is): with a connection per worker, the load
                # spreads evenly, as it would not if one worker happened to accept them all.
                "worker_class": KeepAliveWorker,
                "threads": connections_per_worker,
                "worker_connections": connections_per_worker,
                "keepalive": 30,
                "preload_app": True,
                "loglevel": "warning",
                "when_ready": no_delay,
            }
            if Path("/dev/shm").is_dir():
                options["worker_tmp_dir"] = "/dev/shm"  # the workers' heartbeat files: not on a disk
            for name, value in options.items():
                self.cfg.set(name, value)

        def load(self):
            return application

    Server().run()


if __name__ == "__main__":
    main()
