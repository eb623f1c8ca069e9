// The lab app for the node-http family: Node's own http module, written as an ordinary app
// is: stream.pipeline() of a file into the response, and every error handler logs with
// console.error(err). Routes and the phase marker: lab/README.md.
'use strict';
const http = require('http');
const fs = require('fs');
const net = require('net');
const os = require('os');
const path = require('path');
const { pipeline } = require('stream');

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
    pipeline(fs.createReadStream(big), res, (err) => {
      if (err) console.error(err);
    });
  },
  '/upload': (req, res) => {
    const file = path.join(uploads, `upload-${process.pid}-${uploadSeq++}`);
    pipeline(req, fs.createWriteStream(file), (err) => {
      fs.unlink(file, () => {});
      if (err) {
        console.error(err);
        return;
      }
      res.end('stored\n');
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
        pipeline(r, res, (err) => {
          if (err) console.error(err);
        });
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

const server = http.createServer((req, res) => {
  req.on('error', (err) => console.error(err));
  res.on('error', (err) => console.error(err));
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

// The node-http-clienterror family: also log what the server emits as 'clientError' (errors
// on the inbound socket outside a request: resets, parse errors, a request cut off by EOF),
// then answer as Node's documentation shows.
if (process.env.LAB_CLIENT_ERROR) {
  server.on('clientError', (err, socket) => {
    console.error(err);
    if (err.code === 'ECONNRESET' || !socket.writable) return;
    socket.end('HTTP/1.1 400 Bad Request\r\n\r\n');
  });
}

server.listen(port, '127.0.0.1', () => {
  console.log(`listening on http://127.0.0.1:${port} (node ${process.version}, pid ${process.pid})`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)) && server.closeAllConnections());
