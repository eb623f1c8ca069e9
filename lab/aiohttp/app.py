# The lab app for the aiohttp family: aiohttp.web served by web.run_app, logging configured
# with logging.basicConfig(level=INFO) as aiohttp's documentation shows (so the aiohttp.access
# lines appear), written as aiohttp apps usually are: StreamResponse for downloads and SSE,
# FileResponse (sendfile) for a file, request.content for uploads, aiohttp.ClientSession for
# outbound calls; a failed outbound call is logged with log.exception and answered 502/504.
# Routes: lab/README.md (and /big-file, the same 32 MiB as a FileResponse).
import asyncio
import logging
import os

import aiohttp
from aiohttp import web

logging.basicConfig(level=logging.INFO)
log = logging.getLogger("app")
BIG = os.environ["BIG_FILE"]
UPLOADS = os.environ["UPLOAD_DIR"]
CHUNK = 64 * 1024
routes = web.RouteTableDef()


@routes.get("/__lab/phase")
async def phase(request):
    log.info("LAB PHASE %s", request.query["name"])
    return web.Response(text="ok\n")


@routes.get("/small")
async def small(request):
    return web.Response(text="hello\n")


@routes.get("/big")
async def big(request):
    resp = web.StreamResponse(headers={"Content-Type": "application/octet-stream"})
    await resp.prepare(request)
    with open(BIG, "rb") as f:
        while block := f.read(CHUNK):
            await resp.write(block)
    await resp.write_eof()
    return resp


@routes.get("/big-file")
async def big_file(request):
    return web.FileResponse(BIG, headers={"Content-Type": "application/octet-stream"})


@routes.post("/upload")
async def upload(request):
    path = os.path.join(UPLOADS, "upload-%d-%s" % (os.getpid(), os.urandom(8).hex()))
    try:
        with open(path, "wb") as f:
            while block := await request.content.read(CHUNK):
                f.write(block)
    finally:
        os.unlink(path)
    return web.Response(text="stored\n")


@routes.get("/events")
async def events(request):
    resp = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
    await resp.prepare(request)
    n = 0
    while True:
        await resp.write(b"data: tick %d\n\n" % n)
        n += 1
        await asyncio.sleep(0.05)


@routes.get("/boom")
async def boom(request):
    user = None
    return user.name


def helper(request, path):
    return "http://127.0.0.1:%d%s" % (int(request.query["port"]), path)


async def quote(request, status, **session_args):
    try:
        async with aiohttp.ClientSession(**session_args) as session:
            async with session.get(helper(request, "/quote")) as r:
                return web.Response(body=await r.read())
    except (aiohttp.ClientError, asyncio.TimeoutError):
        log.exception("quote service call failed")
        return web.Response(status=status, text="upstream failed\n")


@routes.get("/outbound/reset")
async def outbound_reset(request):
    return await quote(request, 502)


@routes.get("/outbound/refused")
async def outbound_refused(request):
    return await quote(request, 502)


@routes.get("/outbound/fetch-reset")
async def outbound_fetch_reset(request):
    return await quote(request, 502)


@routes.get("/outbound/timeout")
async def outbound_timeout(request):
    return await quote(request, 504, timeout=aiohttp.ClientTimeout(total=0.3))


@routes.get("/outbound/partial")
async def outbound_partial(request):
    async with aiohttp.ClientSession() as session:
        async with session.get(helper(request, "/report")) as r:
            resp = web.StreamResponse(status=r.status, headers={"Content-Type": r.content_type})
            await resp.prepare(request)
            async for block in r.content.iter_chunked(CHUNK):
                await resp.write(block)
            await resp.write_eof()
            return resp


@routes.get("/outbound/epipe")
async def outbound_epipe(request):
    try:
        _, writer = await asyncio.open_connection("127.0.0.1", int(request.query["port"]))
        for _ in range(64):
            writer.write(b"z" * CHUNK)
            await writer.drain()
        writer.close()
        await writer.wait_closed()
    except OSError:
        log.exception("push to the audit service failed")
    return web.Response(status=502, text="upstream failed\n")


app = web.Application()
app.add_routes(routes)

if __name__ == "__main__":
    web.run_app(app, host="127.0.0.1", port=int(os.environ["PORT"]))
