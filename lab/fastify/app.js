// The lab app for the fastify family: Fastify 5 with its built-in pino logger (`logger: true`,
// one JSON object per line on stdout), as most Fastify services run. Streams are sent with
// reply.send(stream); uploads go through a buffer content-type parser; outbound failures are
// thrown from async handlers, so Fastify's default error handler logs them. Routes and the
// phase marker: lab/README.md.
'use strict';
const fastify = require('fastify')({ logger: true, bodyLimit: 20 * 1024 * 1024 });
const fs = require('fs');
const http = require('http');
const net = require('net');

const port = Number(process.env.PORT);
const big = process.env.BIG_FILE;

fastify.addContentTypeParser('*', { parseAs: 'buffer' }, (req, body, done) => done(null, body));

fastify.get('/__lab/phase', async (req) => {
  req.log.info(`LAB PHASE ${req.query.name}`);
  return 'ok\n';
});
fastify.get('/small', async () => 'hello\n');
fastify.get('/big', (req, reply) => {
  reply.type('application/octet-stream').send(fs.createReadStream(big));
});
fastify.post('/upload', async (req) => `stored ${req.body.length}\n`);
fastify.get('/events', (req, reply) => {
  reply.raw.writeHead(200, { 'content-type': 'text/event-stream' });
  let n = 0;
  const timer = setInterval(() => reply.raw.write(`data: tick ${n++}\n\n`), 50);
  req.raw.on('close', () => clearInterval(timer));
  reply.hijack();
});
fastify.get('/boom', async () => {
  const user = null;
  return user.name;
});

function httpGet(port, path) {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path }, (r) => {
        let body = '';
        r.on('data', (c) => (body += c));
        r.on('end', () => resolve(body));
        r.on('error', reject);
      })
      .on('error', reject);
  });
}
function failWith(reply, status) {
  return (err) => {
    reply.code(status);
    throw err;
  };
}
fastify.get('/outbound/reset', (req, reply) => httpGet(req.query.port, '/quote').catch(failWith(reply, 502)));
fastify.get('/outbound/refused', (req, reply) => httpGet(req.query.port, '/quote').catch(failWith(reply, 502)));
fastify.get('/outbound/partial', (req, reply) => {
  http
    .get({ host: '127.0.0.1', port: req.query.port, path: '/report' }, (r) => reply.type('text/plain').send(r))
    .on('error', (err) => reply.code(502).send(err));
});
fastify.get('/outbound/fetch-reset', async (req, reply) => {
  const r = await fetch(`http://127.0.0.1:${req.query.port}/quote`).catch(failWith(reply, 502));
  return r.text();
});
fastify.get('/outbound/timeout', async (req, reply) => {
  const r = await fetch(`http://127.0.0.1:${req.query.port}/quote`, {
    signal: AbortSignal.timeout(300),
  }).catch(failWith(reply, 504));
  return r.text();
});
fastify.get('/outbound/epipe', (req, reply) => {
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
  sock.on('error', (err) => reply.code(502).send(err));
  sock.on('close', () => reply.sent || reply.code(502).send());
});

fastify.listen({ port, host: '127.0.0.1' }, (err) => {
  if (err) {
    fastify.log.error(err);
    process.exit(1);
  }
});
process.on('SIGTERM', () => fastify.close().then(() => process.exit(0)));
