// The lab app for the express family: Express 5 as its users commonly write it. Access lines
// from morgan('combined') on stdout; errors passed to next(err) and logged by Express's default
// error handler (finalhandler: console.error(err.stack)); res.sendFile() for downloads, with
// and without a callback; express.raw() (body-parser, raw-body) for uploads. stdout and stderr
// go to one app.log. Routes and the phase marker: lab/README.md.
'use strict';
const express = require('express');
const morgan = require('morgan');
const fs = require('fs');
const http = require('http');
const net = require('net');
const { pipeline } = require('stream');

const port = Number(process.env.PORT);
const big = process.env.BIG_FILE;
const app = express();

app.use(morgan('combined'));

app.get('/__lab/phase', (req, res) => {
  console.log(`LAB PHASE ${req.query.name}`);
  res.send('ok\n');
});
app.get('/small', (req, res) => res.type('text').send('hello\n'));
// res.sendFile without a callback: Express itself drops "Request aborted" and write errors.
app.get('/big', (req, res) => res.sendFile(big));
// The same with the callback most examples show: every error goes on to next(err).
app.get('/big-cb', (req, res, next) =>
  res.sendFile(big, (err) => {
    if (err) next(err);
  }),
);
// A stream piped by hand, its error passed on.
app.get('/big-stream', (req, res, next) => {
  res.type('application/octet-stream');
  pipeline(fs.createReadStream(big), res, (err) => {
    if (err) next(err);
  });
});
app.post('/upload', express.raw({ type: '*/*', limit: '20mb' }), (req, res) =>
  res.send(`stored ${req.body.length}\n`),
);
app.get('/events', (req, res) => {
  res.set({ 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  res.flushHeaders();
  let n = 0;
  const timer = setInterval(() => res.write(`data: tick ${n++}\n\n`), 50);
  req.on('close', () => clearInterval(timer));
});
app.get('/boom', () => {
  const user = null;
  return user.name;
});

function viaHttpGet(path) {
  return (req, res, next) => {
    http
      .get({ host: '127.0.0.1', port: req.query.port, path }, (r) => r.pipe(res))
      .on('error', (err) => {
        res.status(502);
        next(err);
      });
  };
}
app.get('/outbound/reset', viaHttpGet('/quote'));
app.get('/outbound/refused', viaHttpGet('/quote'));
app.get('/outbound/partial', (req, res, next) => {
  http
    .get({ host: '127.0.0.1', port: req.query.port, path: '/report' }, (r) => {
      res.status(r.statusCode).type(r.headers['content-type']);
      pipeline(r, res, (err) => {
        if (err) next(err);
      });
    })
    .on('error', next);
});
app.get('/outbound/fetch-reset', async (req, res) => {
  // Express 5 passes a rejected promise to the error handler.
  const r = await fetch(`http://127.0.0.1:${req.query.port}/quote`).catch((err) => {
    res.status(502);
    throw err;
  });
  res.send(await r.text());
});
app.get('/outbound/timeout', async (req, res) => {
  const r = await fetch(`http://127.0.0.1:${req.query.port}/quote`, {
    signal: AbortSignal.timeout(300),
  }).catch((err) => {
    res.status(504);
    throw err;
  });
  res.send(await r.text());
});
app.get('/outbound/epipe', (req, res, next) => {
  const sock = net.connect(Number(req.query.port), '127.0.0.1', () => {
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
  sock.on('error', (err) => {
    res.status(502);
    next(err);
  });
  sock.on('close', () => res.headersSent || res.sendStatus(502));
});

// Express 5 hands a listen error (EADDRINUSE) to this callback instead of emitting it: a
// callback that ignores its argument prints "listening" and the process exits 0 with nothing
// logged. So, as Express 5's migration guide shows, the error is thrown.
const server = app.listen(port, '127.0.0.1', (err) => {
  if (err) throw err;
  console.log(`listening on http://127.0.0.1:${port} (node ${process.version}, pid ${process.pid})`);
});
process.on('SIGTERM', () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
});
