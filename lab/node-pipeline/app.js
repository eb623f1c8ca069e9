// The lab app for the node-pipeline family: Node's own http module, every body moved with
// stream.pipeline() and its failure logged as Node's documentation shows it,
// console.error('Pipeline failed.', err): downloads from a file, uploads with the promise
// form (stream/promises), server-sent events from an async generator. No 'error' listeners
// on the request or the response. Routes and the phase marker: lab/README.md.
'use strict';
const http = require('http');
const fs = require('fs');
const net = require('net');
const os = require('os');
const path = require('path');
const { pipeline, Readable } = require('stream');
const { setTimeout: sleep } = require('timers/promises');
const promises = require('stream/promises');

const port = Number(process.env.PORT);
const big = process.env.BIG_FILE;
const uploads = process.env.UPLOAD_DIR || os.tmpdir();
let uploadSeq = 0;

function piped(err) {
  if (err) console.error('Pipeline failed.', err);
}

function outboundFailed(res, status) {
  return (err) => {
    console.error('Upstream call failed.', err);
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
    console.log(`LAB PHASE ${url.searchParams.get('name')}`);
    res.end('ok\n');
  },
  '/small': (req, res) => {
    res.setHeader('content-type', 'text/plain');
    res.end('hello\n');
  },
  '/big': (req, res) => {
    res.writeHead(200, { 'content-type': 'application/octet-stream' });
    pipeline(fs.createReadStream(big), res, piped);
  },
  '/upload': async (req, res) => {
    const file = path.join(uploads, `upload-${process.pid}-${uploadSeq++}`);
    try {
      await promises.pipeline(req, fs.createWriteStream(file));
      res.end('stored\n');
    } catch (err) {
      console.error('Pipeline failed.', err);
    } finally {
      fs.unlink(file, () => {});
    }
  },
  '/events': (req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    pipeline(Readable.from(ticks()), res, piped);
  },
  '/boom': () => {
    const user = null;
    return user.name;
  },
  '/outbound/reset': (req, res, url) => {
    http
      .get({ host: '127.0.0.1', port: url.searchParams.get('port'), path: '/quote' }, (r) => pipeline(r, res, piped))
      .on('error', outboundFailed(res, 502));
  },
  '/outbound/partial': (req, res, url) => {
    http
      .get({ host: '127.0.0.1', port: url.searchParams.get('port'), path: '/report' }, (r) => {
        res.writeHead(r.statusCode, { 'content-type': r.headers['content-type'] });
        pipeline(r, res, piped);
      })
      .on('error', outboundFailed(res, 502));
  },
  '/outbound/fetch-reset': (req, res, url) => {
    fetch(`http://127.0.0.1:${url.searchParams.get('port')}/quote`)
      .then((r) => r.text())
      .then((t) => res.end(t), outboundFailed(res, 502));
  },
  '/outbound/epipe': (req, res, url) => {
    const sock = net.connect(Number(url.searchParams.get('port')), '127.0.0.1', () => {
      const chunks = Array.from({ length: 64 }, () => Buffer.alloc(64 * 1024, 'z'));
      pipeline(Readable.from(chunks), sock, (err) => {
        if (err) return outboundFailed(res, 502)(err);
        res.writeHead(502);
        res.end();
      });
    });
    sock.on('error', (err) => sock.connecting && outboundFailed(res, 502)(err));
  },
  '/outbound/refused': (req, res, url) => {
    http
      .get({ host: '127.0.0.1', port: url.searchParams.get('port'), path: '/quote' }, (r) => pipeline(r, res, piped))
      .on('error', outboundFailed(res, 502));
  },
  '/outbound/timeout': (req, res, url) => {
    fetch(`http://127.0.0.1:${url.searchParams.get('port')}/quote`, { signal: AbortSignal.timeout(300) })
      .then((r) => r.text())
      .then((t) => res.end(t), outboundFailed(res, 504));
  },
};

const server = http.createServer((req, res) => {
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
    console.error(err);
    res.writeHead(500);
    res.end('internal error\n');
  }
});

server.listen(port, '127.0.0.1', () => {
  console.log(`listening on http://127.0.0.1:${port} (node ${process.version}, pid ${process.pid})`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)) && server.closeAllConnections());
