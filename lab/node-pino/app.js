// The lab app for the node-pino family: Node's own http module logging with pino to a file
// (JSON lines, pino.destination), pino-http's request lines and req.log for errors, each
// error under `err` (pino's serializer: type, message, stack as one escaped string, code).
// Bodies are moved with stream.pipeline(). Routes and the phase marker: lab/README.md.
'use strict';
const http = require('http');
const fs = require('fs');
const net = require('net');
const os = require('os');
const path = require('path');
const { pipeline, Readable } = require('stream');
const { setTimeout: sleep } = require('timers/promises');
const promises = require('stream/promises');
const pino = require('pino');
const pinoHttp = require('pino-http');

const logger = pino(pino.destination({ dest: process.env.LOG_FILE, sync: true }));
const httpLogger = pinoHttp({ logger });

const port = Number(process.env.PORT);
const big = process.env.BIG_FILE;
const uploads = process.env.UPLOAD_DIR || os.tmpdir();
let uploadSeq = 0;

function piped(req, what) {
  return (err) => {
    if (err) req.log.error({ err }, `${what} failed`);
  };
}

function outboundFailed(req, res, status) {
  return (err) => {
    req.log.error({ err }, 'upstream call failed');
    if (!res.headersSent) res.writeHead(status);
    res.end();
  };
}

async function* ticks() {
  for (let n = 0; n < 10000; n++) {
    yield `data: tick ${n}\n\n`;
    await sleep(50);
  }
}

const routes = {
  '/__lab/phase': (req, res, url) => {
    logger.info(`LAB PHASE ${url.searchParams.get('name')}`);
    res.end('ok\n');
  },
  '/small': (req, res) => {
    res.setHeader('content-type', 'text/plain');
    res.end('hello\n');
  },
  '/big': (req, res) => {
    res.writeHead(200, { 'content-type': 'application/octet-stream' });
    pipeline(fs.createReadStream(big), res, piped(req, 'download'));
  },
  '/upload': async (req, res) => {
    const file = path.join(uploads, `upload-${process.pid}-${uploadSeq++}`);
    try {
      await promises.pipeline(req, fs.createWriteStream(file));
      res.end('stored\n');
    } catch (err) {
      req.log.error({ err }, 'upload failed');
    } finally {
      fs.unlink(file, () => {});
    }
  },
  '/events': (req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    pipeline(Readable.from(ticks()), res, piped(req, 'event stream'));
  },
  '/boom': () => {
    const user = null;
    return user.name;
  },
  '/outbound/reset': (req, res, url) => {
    http
      .get({ host: '127.0.0.1', port: url.searchParams.get('port'), path: '/quote' }, (r) => pipeline(r, res, piped(req, 'proxy')))
      .on('error', outboundFailed(req, res, 502));
  },
  '/outbound/partial': (req, res, url) => {
    http
      .get({ host: '127.0.0.1', port: url.searchParams.get('port'), path: '/report' }, (r) => {
        res.writeHead(r.statusCode, { 'content-type': r.headers['content-type'] });
        pipeline(r, res, piped(req, 'proxy'));
      })
      .on('error', outboundFailed(req, res, 502));
  },
  '/outbound/fetch-reset': (req, res, url) => {
    fetch(`http://127.0.0.1:${url.searchParams.get('port')}/quote`)
      .then((r) => r.text())
      .then((t) => res.end(t), outboundFailed(req, res, 502));
  },
  '/outbound/epipe': (req, res, url) => {
    const sock = net.connect(Number(url.searchParams.get('port')), '127.0.0.1', () => {
      const chunks = Array.from({ length: 64 }, () => Buffer.alloc(64 * 1024, 'z'));
      pipeline(Readable.from(chunks), sock, (err) => {
        if (err) return outboundFailed(req, res, 502)(err);
        res.writeHead(502);
        res.end();
      });
    });
    sock.on('error', (err) => sock.connecting && outboundFailed(req, res, 502)(err));
  },
  '/outbound/refused': (req, res, url) => {
    http
      .get({ host: '127.0.0.1', port: url.searchParams.get('port'), path: '/quote' }, (r) => pipeline(r, res, piped(req, 'proxy')))
      .on('error', outboundFailed(req, res, 502));
  },
  '/outbound/timeout': (req, res, url) => {
    fetch(`http://127.0.0.1:${url.searchParams.get('port')}/quote`, { signal: AbortSignal.timeout(300) })
      .then((r) => r.text())
      .then((t) => res.end(t), outboundFailed(req, res, 504));
  },
};

const server = http.createServer((req, res) => {
  httpLogger(req, res);
  const url = new URL(req.url, 'http://localhost');
  const route = routes[url.pathname];
  if (!route) {
    res.writeHead(404);
    res.end('not found\n');
    return;
  }
  try {
    route(req, res, url);
  } catch (err) {
    req.log.error({ err }, 'handler failed');
    res.writeHead(500);
    res.end('internal error\n');
  }
});

server.listen(port, '127.0.0.1', () => {
  logger.info(`listening on http://127.0.0.1:${port} (node ${process.version}, pid ${process.pid})`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)) && server.closeAllConnections());
