// The lab app for the koa family: Koa 3 as its users commonly write it. koa-logger's request
// lines on stdout; errors reach Koa's default 'error' listener (app.onerror), which writes
// err.stack indented by two spaces between blank lines on stderr (and skips 404s and errors
// marked `expose`, the 4xx of http-errors). Streams are set as ctx.body, which Koa pipes
// into the response with stream.pipeline(); uploads are read with raw-body, as co-body and
// the body parsers do. stdout and stderr go to one app.log. Routes and the phase marker:
// lab/README.md.
'use strict';
const Koa = require('koa');
const Router = require('@koa/router');
const logger = require('koa-logger');
const getRawBody = require('raw-body');
const fs = require('fs');
const http = require('http');
const net = require('net');
const { PassThrough } = require('stream');

const port = Number(process.env.PORT);
const big = process.env.BIG_FILE;
const app = new Koa();
const router = new Router();

// An http.get whose response resolves the promise and whose error rejects it.
function get(port, path) {
  return new Promise((resolve, reject) => {
    http.get({ host: '127.0.0.1', port, path }, resolve).on('error', reject);
  });
}

// An outbound failure is thrown to Koa with the status to answer (Koa answers err.status),
// and Koa's error listener logs it.
function failed(status) {
  return (err) => {
    err.status = status;
    throw err;
  };
}

router.get('/__lab/phase', (ctx) => {
  console.log(`LAB PHASE ${ctx.query.name}`);
  ctx.body = 'ok\n';
});
router.get('/small', (ctx) => {
  ctx.body = 'hello\n';
});
router.get('/big', (ctx) => {
  ctx.type = 'application/octet-stream';
  ctx.body = fs.createReadStream(big);
});
router.post('/upload', async (ctx) => {
  const body = await getRawBody(ctx.req, { length: ctx.get('content-length'), limit: '20mb' });
  ctx.body = `stored ${body.length}\n`;
});
router.get('/events', (ctx) => {
  ctx.type = 'text/event-stream';
  ctx.set('cache-control', 'no-cache');
  const stream = new PassThrough();
  ctx.body = stream;
  let n = 0;
  const timer = setInterval(() => stream.write(`data: tick ${n++}\n\n`), 50);
  ctx.req.on('close', () => clearInterval(timer));
});
router.get('/boom', () => {
  const user = null;
  return user.name;
});
router.get('/outbound/reset', async (ctx) => {
  ctx.body = await get(ctx.query.port, '/quote').catch(failed(502));
});
router.get('/outbound/refused', async (ctx) => {
  ctx.body = await get(ctx.query.port, '/quote').catch(failed(502));
});
router.get('/outbound/partial', async (ctx) => {
  const r = await get(ctx.query.port, '/report').catch(failed(502));
  ctx.type = r.headers['content-type'];
  ctx.body = r;
});
router.get('/outbound/fetch-reset', async (ctx) => {
  const r = await fetch(`http://127.0.0.1:${ctx.query.port}/quote`).catch(failed(502));
  ctx.body = await r.text();
});
router.get('/outbound/timeout', async (ctx) => {
  const r = await fetch(`http://127.0.0.1:${ctx.query.port}/quote`, {
    signal: AbortSignal.timeout(300),
  }).catch(failed(504));
  ctx.body = await r.text();
});
router.get('/outbound/epipe', async (ctx) => {
  await new Promise((resolve, reject) => {
    const sock = net.connect(Number(ctx.query.port), '127.0.0.1', () => {
      const chunk = Buffer.alloc(64 * 1024, 'z');
      let i = 0;
      const more = () => {
        while (i < 64 && !sock.destroyed) {
          i++;
          if (!sock.write(chunk)) return sock.once('drain', more);
        }
        sock.end();
      };
      more();
    });
    sock.on('error', reject);
    sock.on('close', resolve);
  }).catch(failed(502));
  ctx.status = 502;
});

app.use(logger());
app.use(router.routes());

const server = app.listen(port, '127.0.0.1', () => {
  console.log(`listening on http://127.0.0.1:${port} (node ${process.version}, pid ${process.pid})`);
});
process.on('SIGTERM', () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
});
