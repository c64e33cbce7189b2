"""A minimal real SMTP server on localhost that offers no STARTTLS (as a misconfigured or hostile relay would):
it records every command and message body it receives. Enough of RFC 5321 for smtplib."""

from __future__ import annotations

import socketserver
import threading
from dataclasses import dataclass, field


@dataclass
class Received:
    commands: list[str] = field(default_factory=list)
    bodies: list[str] = field(default_factory=list)
    closed: threading.Event = field(default_factory=threading.Event)


class _Handler(socketserver.StreamRequestHandler):
    def handle(self) -> None:
        received: Received = self.server.received  # type: ignore[attr-defined]
        self.wfile.write(b"220 localhost plain ESMTP\r\n")
        try:
            while line := self.rfile.readline():
                command = line.decode("ascii", "replace").strip()
                received.commands.append(command.split(" ")[0].upper())
                verb = received.commands[-1]
                if verb == "EHLO":
                    self.wfile.write(b"250-localhost\r\n250 SIZE 100000\r\n")  # no STARTTLS offered
                elif verb == "DATA":
                    self.wfile.write(b"354 go ahead\r\n")
                    body = []
                    while (data := self.rfile.readline()) not in (b".\r\n", b""):
                        body.append(data.decode("utf-8", "replace"))
                    received.bodies.append("".join(body))
                    self.wfile.write(b"250 queued\r\n")
                elif verb == "QUIT":
                    self.wfile.write(b"221 bye\r\n")
                    break
                elif verb == "STARTTLS":
                    self.wfile.write(b"502 not implemented\r\n")
                else:
                    self.wfile.write(b"250 ok\r\n")
        finally:
            received.closed.set()


class PlainSmtpServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.received = Received()
        self._thread = threading.Thread(target=self.serve_forever, daemon=True)

    @property
    def port(self) -> int:
        return self.server_address[1]

    def __enter__(self) -> PlainSmtpServer:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.shutdown()
        self.server_close()
