// The lab app for the node-console family: Node's own http module with the classic
// readable.pipe() for bodies (no pipeline, so no end-of-stream errors), and every 'error'
// event of the request, the response and the request's socket logged with console.error(err),
// as apps that "log every error" do. Routes and the phase marker: lab/README.md.
'use strict';
const http = require('http');
const fs = require('fs');
const net = require('net');
const os = require('os');
const path = require('path');

const port = Number(process.env.PORT);
const big = process.env.BIG_FILE;
const uploads = process.env.UPLOAD_DIR || os.tmpdir();
let uploadSeq = 0;

function outboundFailed(res, status) {
  return (err) => {
    console.error(err);
    if (!res.headersSent) res.writeHead(status);
    res.end();
  };
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
    const file = fs.createReadStream(big);
    file.pipe(res);
    res.on('close', () => file.destroy());
  },
  '/upload': (req, res) => {
    const file = path.join(uploads, `upload-${process.pid}-${uploadSeq++}`);
    const out = fs.createWriteStream(file);
    req.pipe(out);
    out.on('finish', () => res.end('stored\n'));
    req.on('close', () => {
      out.end();
      fs.unlink(file, () => {});
    });
  },
  '/events': (req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    let n = 0;
    const timer = setInterval(() => res.write(`data: tick ${n++}\n\n`), 50);
    req.on('close', () => clearInterval(timer));
  },
  '/boom': () => {
    const user = null;
    return user.name;
  },
  '/outbound/reset': (req, res, url) => {
    http
      .get({ host: '127.0.0.1', port: url.searchParams.get('port'), path: '/quote' }, (r) => r.pipe(res))
      .on('error', outboundFailed(res, 502));
  },
  '/outbound/partial': (req, res, url) => {
    http
      .get({ host: '127.0.0.1', port: url.searchParams.get('port'), path: '/report' }, (r) => {
        res.writeHead(r.statusCode, { 'content-type': r.headers['content-type'] });
        r.on('error', (err) => console.error(err));
        r.pipe(res);
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
    sock.on('error', outboundFailed(res, 502));
    sock.on('close', () => res.headersSent || res.writeHead(502) && res.end());
  },
  '/outbound/refused': (req, res, url) => {
    http
      .get({ host: '127.0.0.1', port: url.searchParams.get('port'), path: '/quote' }, (r) => r.pipe(res))
      .on('error', outboundFailed(res, 502));
  },
  '/outbound/timeout': (req, res, url) => {
    fetch(`http://127.0.0.1:${url.searchParams.get('port')}/quote`, { signal: AbortSignal.timeout(300) })
      .then((r) => r.text())
      .then((t) => res.end(t), outboundFailed(res, 504));
  },
};

// One listener per socket (keep-alive connections carry several requests).
const logged = (err) => console.error(err);

const server = http.createServer((req, res) => {
  req.on('error', (err) => console.error(err));
  res.on('error', (err) => console.error(err));
  if (!req.socket.listenerCount('error', logged)) req.socket.on('error', logged);
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
