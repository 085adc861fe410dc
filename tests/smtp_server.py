#!/usr/bin/env python3
"""A real SMTP submission server on 127.0.0.1 for the email tests (tests/common/smtp.rs).

    python tests/smtp_server.py --dir DIR --mode MODE [--user U --password P] [--stop-on-stdin-eof]

It binds 127.0.0.1 on a free port and prints `PORT <n>` once it accepts connections, then
serves until killed. At start it makes a throwaway CA and a certificate for localhost and
127.0.0.1 (trustme), and writes the CA as DIR/ca.pem for the client to trust.

What a well-behaved client has to get through, as a mail provider's submission port asks:
STARTTLS before anything else, AUTH (PLAIN or LOGIN) before MAIL. What it leaves behind for
the test to read:
  DIR/msg-<seq>.json   each message accepted: {"mail_from", "rcpt_tos", "data"} (data is the
                       whole RFC 5322 text as received, CRLF line ends) and, decoded for
                       convenience, "subject", "text" and "html" (null when absent); written
                       to a temporary name and renamed, so a reader never sees half a file;
                       seq counts from 1
  DIR/connections.log  one line per TCP connection
  DIR/auth.log         one line per credentials check (ok or fail)
  stderr               aiosmtpd's own log, for a failing test to show

Modes:
  normal           as above
  drop_after_data  saves the message, then resets the connection instead of answering the
                   end of DATA: the client cannot know whether the mail went out
  refuse_auth      every AUTH gets 535 5.7.8 Authentication credentials invalid
  no_tls           no STARTTLS offered and AUTH allowed in clear: a client must refuse to
                   send its password here

--stop-on-stdin-eof makes the server exit when its standard input closes: the test process
holds the pipe, so a test binary that dies without cleaning up leaves no server behind.
"""

import argparse
import asyncio
import email
import email.policy
import json
import logging
import os
import signal
import socket
import ssl
import struct
import sys
import warnings

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword

MODES = ("normal", "drop_after_data", "refuse_auth", "no_tls")


def append_line(path, line):
    """One line, appended and flushed before the client hears the reply it belongs to."""
    with open(path, "a", encoding="utf-8") as f:
        f.write(line + "\n")


def decoded(raw):
    """What a reader sees, decoded by Python's own MIME parser so the tests need none: the
    subject (RFC 2047 words decoded) and the text/plain and text/html bodies (transfer encoding
    undone, LF line ends), each None when absent."""
    out = {"subject": None, "text": None, "html": None}
    try:
        message = email.message_from_bytes(raw, policy=email.policy.default)
        if message["subject"] is not None:
            out["subject"] = str(message["subject"])
        for kind in ("plain", "html"):
            part = message.get_body(preferencelist=(kind,))
            if part is not None:
                key = "text" if kind == "plain" else kind
                out[key] = part.get_content().replace("\r\n", "\n")
    except Exception as error:  # the raw data is still saved; the test shows what broke
        logging.getLogger("smtp_server").exception("cannot decode message: %s", error)
    return out


class Recorder:
    """The aiosmtpd handler: checks credentials, saves messages, keeps the logs."""

    def __init__(self, directory, mode, user, password):
        self.dir = directory
        self.mode = mode
        self.user = user.encode()
        self.password = password.encode()
        self.seq = 0

    def authenticate(self, server, session, envelope, mechanism, auth_data):
        """The `authenticator` callback: called once per set of credentials a client sends."""
        login = password = b""
        if isinstance(auth_data, LoginPassword):
            login, password = auth_data.login, auth_data.password
        ok = self.mode != "refuse_auth" and login == self.user and password == self.password
        tls = "tls" if server._tls_protocol is not None else "clear"
        append_line(
            os.path.join(self.dir, "auth.log"),
            f"{'ok' if ok else 'fail'} {mechanism} {login.decode(errors='replace')} {tls}",
        )
        # handled=False with no message makes aiosmtpd answer a failure with its
        # 535 5.7.8 Authentication credentials invalid (the default, True, answers nothing).
        return AuthResult(success=ok, handled=False, auth_data=auth_data if ok else None)

    async def handle_DATA(self, server, session, envelope):
        self.seq += 1
        record = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": list(envelope.rcpt_tos),
            # Mail is bytes; a test compares text. 8-bit bodies from a client are UTF-8.
            "data": envelope.original_content.decode("utf-8", errors="replace"),
            **decoded(envelope.original_content),
        }
        final = os.path.join(self.dir, f"msg-{self.seq}.json")
        temp = os.path.join(self.dir, f".msg-{self.seq}.json.tmp")
        with open(temp, "w", encoding="utf-8") as f:
            json.dump(record, f, ensure_ascii=False)
        os.replace(temp, final)
        if self.mode == "drop_after_data":
            # Reset the TCP connection itself (under TLS too), with no reply and no TLS
            # close_notify, as a server that crashed right after queueing the mail would.
            raw = server._original_transport or server.transport
            sock = raw.get_extra_info("socket")
            if sock is not None:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            raw.abort()
            # Park until connection_lost cancels this session, so no "250" is ever written.
            await asyncio.get_running_loop().create_future()
        return f"250 2.0.0 OK queued as msg-{self.seq}"


class LoggingSMTP(SMTP):
    """aiosmtpd's SMTP session, noting each new TCP connection (not the TLS upgrade of one)."""

    def __init__(self, *args, connections_log, **kwargs):
        super().__init__(*args, **kwargs)
        self.connections_log = connections_log

    def connection_made(self, transport):
        upgrade = self._original_transport is not None
        super().connection_made(transport)
        if not upgrade:
            host, port = transport.get_extra_info("peername")[:2]
            append_line(self.connections_log, f"connect {host}:{port}")


def tls_context(directory):
    """A fresh CA (written as DIR/ca.pem) and a server certificate for localhost/127.0.0.1."""
    import trustme

    ca = trustme.CA(organization_name="convoca test CA")
    cert = ca.issue_cert("localhost", "127.0.0.1")
    temp = os.path.join(directory, ".ca.pem.tmp")
    ca.cert_pem.write_to_path(temp)
    os.replace(temp, os.path.join(directory, "ca.pem"))
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    cert.configure_cert(context)
    return context


async def serve(args):
    loop = asyncio.get_running_loop()
    context = None if args.mode == "no_tls" else tls_context(args.dir)
    handler = Recorder(args.dir, args.mode, args.user, args.password)
    connections_log = os.path.join(args.dir, "connections.log")

    def session():
        return LoggingSMTP(
            handler,
            connections_log=connections_log,
            # A fixed name: socket.getfqdn() can wait on DNS on a machine without network.
            hostname="localhost",
            tls_context=context,
            require_starttls=context is not None,
            auth_required=True,
            auth_require_tls=context is not None,
            authenticator=handler.authenticate,
            enable_SMTPUTF8=True,
            loop=loop,
        )

    server = await loop.create_server(session, host="127.0.0.1", port=0)
    port = server.sockets[0].getsockname()[1]

    stop = loop.create_future()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, lambda: stop.done() or stop.set_result(None))
    if args.stop_on_stdin_eof:
        reader = asyncio.StreamReader()
        await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)

        async def watch_stdin():
            while await reader.read(4096):
                pass
            if not stop.done():
                stop.set_result(None)

        loop.create_task(watch_stdin())

    print(f"PORT {port}", flush=True)
    await stop
    server.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dir", required=True, help="where ca.pem, the messages and logs go")
    parser.add_argument("--mode", choices=MODES, default="normal")
    parser.add_argument("--user", default="convoca")
    parser.add_argument("--password", default="s3cret")
    parser.add_argument("--stop-on-stdin-eof", action="store_true")
    args = parser.parse_args()
    os.makedirs(args.dir, exist_ok=True)
    logging.basicConfig(
        stream=sys.stderr, level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s"
    )
    # no_tls allows AUTH in clear on purpose; aiosmtpd warns about that on every connection.
    warnings.filterwarnings("ignore", message="Requiring AUTH while not requiring TLS")
    asyncio.run(serve(args))


if __name__ == "__main__":
    main()
