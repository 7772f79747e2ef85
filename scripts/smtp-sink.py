#!/usr/bin/python3
"""Local SMTP sink for the Parvis development and test stack.

Accepts every message on a loopback port and stores it, untouched apart from
three trace headers, as one file in a Maildir (new/ holds one file per
message).  It refuses nothing (no size limit, any sender, any recipient, any
AUTH) and never relays: nothing leaves this machine.

Run it with Debian's interpreter, which has python3-aiosmtpd:
    /usr/bin/python3 scripts/smtp-sink.py --port 9105 --maildir var/mail
"""

import argparse
import asyncio
import mailbox
import os
import signal
import sys

from aiosmtpd.smtp import SMTP, AuthResult


def log(text):
    print("smtp-sink: " + text, file=sys.stderr, flush=True)


class MaildirSink:
    """aiosmtpd handler: write each message to the Maildir as it came."""

    def __init__(self, path):
        # Maildir(create=True) makes the subfolders only for a new folder.
        for sub in ("tmp", "new", "cur"):
            os.makedirs(os.path.join(path, sub), mode=0o700, exist_ok=True)
        self.box = mailbox.Maildir(path, create=False)

    async def handle_RCPT(self, server, session, envelope, address, options):
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        raw = envelope.original_content or b""
        peer = session.peer[0] if session.peer else "unknown"
        trace = (
            "X-Peer: {}\nX-MailFrom: {}\nX-RcptTo: {}\n".format(
                peer, envelope.mail_from, ", ".join(envelope.rcpt_tos)
            )
        ).encode("utf-8", "replace")
        # Store with plain LF line ends so tests can grep the text.
        data = trace + raw.replace(b"\r\n", b"\n")
        key = self.box.add(data)
        log(
            "stored {} from <{}> to {} ({} bytes)".format(
                key, envelope.mail_from, ", ".join(envelope.rcpt_tos), len(raw)
            )
        )
        return "250 Message accepted for delivery"


class SinkSMTP(SMTP):
    # Accept the over-long lines of sloppy clients (bare LF, no folding):
    # the sink refuses nothing, it is not a conformance checker.
    line_length_limit = 64 * 1024 * 1024


def accept_any_auth(server, session, envelope, mechanism, auth_data):
    return AuthResult(success=True)


async def serve(args):
    handler = MaildirSink(args.maildir)
    loop = asyncio.get_running_loop()

    def factory():
        return SinkSMTP(
            handler,
            hostname="smtp-sink.parvis.localhost",
            data_size_limit=None,
            enable_SMTPUTF8=True,
            decode_data=False,
            auth_require_tls=False,
            authenticator=accept_any_auth,
        )

    server = await loop.create_server(factory, host=args.host, port=args.port)
    log("listening on {}:{}, storing in {}".format(args.host, args.port, args.maildir))
    done = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, done.set)
    await done.wait()
    server.close()
    await server.wait_closed()
    log("stopped")


def main():
    parser = argparse.ArgumentParser(description="Parvis local SMTP sink")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--maildir", required=True)
    args = parser.parse_args()
    if args.host not in ("127.0.0.1", "::1", "localhost"):
        parser.error("the sink listens on loopback only")
    asyncio.run(serve(args))


if __name__ == "__main__":
    main()
