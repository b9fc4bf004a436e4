"""Django's ``runserver`` (threaded, no reloader) whose connections send without delay (TCP_NODELAY).

Used by ``bench/eligibility.py``: ``python bench/serve.py 127.0.0.1:PORT`` with the sandbox's settings in the
environment. Plain ``runserver`` writes a response's headers and body in two sends; on a keep-alive connection
Nagle's algorithm holds the body until the client's delayed ACK of the headers, about 40 ms on Linux, which
would swamp the application time being measured. Everything else is ``runserver`` itself.
"""

import socket
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main(address: str) -> None:
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()

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


if __name__ == "__main__":
    main(sys.argv[1])
