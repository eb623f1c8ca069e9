# The lab app for the uvicorn family: FastAPI on Starlette, served by uvicorn with its default
# logging (uvicorn.error on stderr, access lines on stdout), written as FastAPI apps usually are:
# StreamingResponse for downloads and SSE, request.stream() for uploads, urllib in a plain `def`
# endpoint (run in the thread pool) and httpx.AsyncClient for outbound calls; a failed outbound
# call is logged with logger.exception and answered 502/504. Routes: lab/README.md.
import asyncio
import logging
import os
import urllib.request

import httpx
from fastapi import FastAPI, Request
from fastapi.responses import PlainTextResponse, Response, StreamingResponse

logger = logging.getLogger("uvicorn.error")
app = FastAPI()
BIG = os.environ["BIG_FILE"]
UPLOADS = os.environ["UPLOAD_DIR"]
CHUNK = 64 * 1024


@app.get("/__lab/phase")
def phase(name: str):
    logger.info("LAB PHASE %s", name)
    return PlainTextResponse("ok\n")


@app.get("/small")
def small():
    return PlainTextResponse("hello\n")


@app.get("/big")
def big():
    def chunks():
        with open(BIG, "rb") as f:
            while block := f.read(CHUNK):
                yield block

    return StreamingResponse(chunks(), media_type="application/octet-stream")


@app.post("/upload")
async def upload(request: Request):
    path = os.path.join(UPLOADS, "upload-%d-%s" % (os.getpid(), os.urandom(8).hex()))
    try:
        with open(path, "wb") as f:
            async for block in request.stream():
                f.write(block)
    finally:
        os.unlink(path)
    return PlainTextResponse("stored\n")


@app.get("/events")
async def events():
    async def ticks():
        n = 0
        while True:
            yield "data: tick %d\n\n" % n
            n += 1
            await asyncio.sleep(0.05)

    return StreamingResponse(ticks(), media_type="text/event-stream")


@app.get("/boom")
def boom():
    user = None
    return user.name


@app.get("/outbound/reset")
def outbound_reset(port: int):
    try:
        with urllib.request.urlopen("http://127.0.0.1:%d/quote" % port, timeout=5) as r:
            return Response(r.read())
    except OSError:
        logger.exception("quote service call failed")
        return PlainTextResponse("bad gateway\n", status_code=502)


@app.get("/outbound/refused")
def outbound_refused(port: int):
    return outbound_reset(port)


@app.get("/outbound/partial")
async def outbound_partial(port: int):
    client = httpx.AsyncClient()
    req = client.build_request("GET", "http://127.0.0.1:%d/report" % port)
    r = await client.send(req, stream=True)

    async def relay():
        try:
            async for block in r.aiter_raw():
                yield block
        finally:
            await r.aclose()
            await client.aclose()

    return StreamingResponse(relay(), status_code=r.status_code, media_type=r.headers.get("content-type"))


@app.get("/outbound/fetch-reset")
async def outbound_fetch_reset(port: int):
    try:
        async with httpx.AsyncClient() as client:
            r = await client.get("http://127.0.0.1:%d/quote" % port)
        return Response(r.content)
    except httpx.HTTPError:
        logger.exception("quote service call failed")
        return PlainTextResponse("bad gateway\n", status_code=502)


@app.get("/outbound/epipe")
async def outbound_epipe(port: int):
    try:
        _, writer = await asyncio.open_connection("127.0.0.1", port)
        for _ in range(64):
            writer.write(b"z" * CHUNK)
            await writer.drain()
        writer.close()
        await writer.wait_closed()
    except OSError:
        logger.exception("push to the audit service failed")
    return PlainTextResponse("bad gateway\n", status_code=502)


@app.get("/outbound/timeout")
async def outbound_timeout(port: int):
    try:
        async with httpx.AsyncClient(timeout=0.3) as client:
            r = await client.get("http://127.0.0.1:%d/quote" % port)
        return Response(r.content)
    except httpx.TimeoutException:
        logger.exception("quote service timed out")
        return PlainTextResponse("gateway timeout\n", status_code=504)
