# The lab app for the tornado family: tornado.web RequestHandlers on tornado's own HTTP server,
# logging set up by tornado.options.parse_command_line() (tornado's LogFormatter on stderr at
# INFO, access lines from tornado.access), written as tornado apps usually are: write() and
# flush() for downloads and SSE, the buffered request body for uploads, AsyncHTTPClient and a
# TCPClient IOStream for outbound calls; a failed outbound call is logged with log.exception and
# answered 502/504 (a handler that raises is logged by tornado as "Uncaught exception").
# Routes: lab/README.md.
import asyncio
import logging
import os

import tornado.httpclient
import tornado.iostream
import tornado.options
import tornado.tcpclient
import tornado.web

log = logging.getLogger("app")
BIG = os.environ["BIG_FILE"]
UPLOADS = os.environ["UPLOAD_DIR"]
CHUNK = 64 * 1024


class Phase(tornado.web.RequestHandler):
    def get(self):
        log.info("LAB PHASE %s", self.get_argument("name"))
        self.write("ok\n")


class Small(tornado.web.RequestHandler):
    def get(self):
        self.write("hello\n")


class Big(tornado.web.RequestHandler):
    async def get(self):
        self.set_header("Content-Type", "application/octet-stream")
        with open(BIG, "rb") as f:
            while block := f.read(CHUNK):
                self.write(block)
                await self.flush()


class Upload(tornado.web.RequestHandler):
    def post(self):
        path = os.path.join(UPLOADS, "upload-%d-%s" % (os.getpid(), os.urandom(8).hex()))
        with open(path, "wb") as f:
            f.write(self.request.body)
        os.unlink(path)
        self.write("stored\n")


class Events(tornado.web.RequestHandler):
    async def get(self):
        self.set_header("Content-Type", "text/event-stream")
        n = 0
        while True:
            self.write("data: tick %d\n\n" % n)
            await self.flush()
            n += 1
            await asyncio.sleep(0.05)


class Boom(tornado.web.RequestHandler):
    def get(self):
        user = None
        self.write(user.name)


class Outbound(tornado.web.RequestHandler):
    def helper(self, path):
        return "http://127.0.0.1:%d%s" % (int(self.get_argument("port")), path)

    async def quote(self, status, **kwargs):
        try:
            r = await tornado.httpclient.AsyncHTTPClient().fetch(self.helper("/quote"), **kwargs)
            self.write(r.body)
        except (tornado.httpclient.HTTPError, OSError):
            log.exception("quote service call failed")
            self.set_status(status)
            self.write("upstream failed\n")


class OutboundReset(Outbound):
    async def get(self):
        await self.quote(502)


class OutboundTimeout(Outbound):
    async def get(self):
        await self.quote(504, request_timeout=0.3)


class OutboundPartial(Outbound):
    async def get(self):
        # Relays the report as it arrives (streaming_callback); a cut-off upstream raises here.
        def relay(block):
            self.write(block)
            self.flush()

        self.set_header("Content-Type", "text/plain")
        await tornado.httpclient.AsyncHTTPClient().fetch(self.helper("/report"), streaming_callback=relay)


class OutboundEpipe(Outbound):
    async def get(self):
        try:
            stream = await tornado.tcpclient.TCPClient().connect("127.0.0.1", int(self.get_argument("port")))
            for _ in range(64):
                await stream.write(b"z" * CHUNK)
            stream.close()
        except tornado.iostream.StreamClosedError:
            log.exception("push to the audit service failed")
        self.set_status(502)
        self.write("upstream failed\n")


def main():
    tornado.options.parse_command_line()
    app = tornado.web.Application(
        [
            (r"/__lab/phase", Phase),
            (r"/small", Small),
            (r"/big", Big),
            (r"/upload", Upload),
            (r"/events", Events),
            (r"/boom", Boom),
            (r"/outbound/reset", OutboundReset),
            (r"/outbound/refused", OutboundReset),
            (r"/outbound/fetch-reset", OutboundReset),
            (r"/outbound/timeout", OutboundTimeout),
            (r"/outbound/partial", OutboundPartial),
            (r"/outbound/epipe", OutboundEpipe),
        ]
    )
    app.listen(int(os.environ["PORT"]), "127.0.0.1")
    log.info("listening on 127.0.0.1:%s", os.environ["PORT"])
    asyncio.get_event_loop().run_forever()


if __name__ == "__main__":
    main()
