// pino or bunyan (argv[2]) logging what a Node http server meets: downloads the client cut
// off (ERR_STREAM_PREMATURE_CLOSE from stream.pipeline), uploads it cut off ("aborted"), and
// the app's own outbound calls failing (a reset and a refused connection), which must stay.
// Two loggers interleave: the request log and a background job's. The log goes to stdout.
'use strict';
const http = require('http');
const net = require('net');
const { pipeline, Readable } = require('stream');

const which = process.argv[2];
const make = which === 'bunyan'
  ? (name) => require('bunyan').createLogger({ name, serializers: require('bunyan').stdSerializers })
  : (name) => require('pino')({ name });
const log = make('shop');
const job = make('reindex');

function big() {
  let n = 0;
  return Readable.from((function* () { while (n++ < 4096) yield Buffer.alloc(64 * 1024, 120); })());
}

const server = http.createServer((req, res) => {
  if (req.url === '/big') {
    pipeline(big(), res, (err) => { if (err) log.error({ err }, 'download failed'); });
  } else if (req.url === '/upload') {
    req.on('error', (err) => log.error({ err }, 'upload failed'));
    req.resume();
  } else {
    res.end('ok');
  }
});

// The client: connects, asks, and goes away.
function cut(port, request, after) {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1', () => {
      s.write(request);
      s.once('data', () => setTimeout(() => { s.resetAndDestroy ? s.resetAndDestroy() : s.destroy(); }, after));
      if (request.includes('POST')) setTimeout(() => s.destroy(), after);
    });
    s.on('error', () => {});
    s.on('close', () => setTimeout(resolve, 50));
  });
}

// An upstream that resets the app's own call.
const upstream = net.createServer((s) => s.once('data', () => s.resetAndDestroy()));

async function main() {
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  await new Promise((r) => upstream.listen(0, '127.0.0.1', r));
  const port = server.address().port;
  const up = upstream.address().port;
  log.info(`listening on ${port}`);
  for (let i = 0; i < 3; i++) {
    await cut(port, 'GET /big HTTP/1.1\r\nHost: x\r\n\r\n', 20);
    job.info({ batch: i }, 'reindexed');
  }
  for (let i = 0; i < 2; i++) {
    await cut(port, 'POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000\r\n\r\nabc', 50);
  }
  await new Promise((resolve) => {
    http.get({ host: '127.0.0.1', port: up, path: '/quote' }).on('error', (err) => {
      log.error({ err }, 'upstream call failed');
      resolve();
    });
  });
  await new Promise((resolve) => {
    const free = net.createServer().listen(0, '127.0.0.1', () => {
      const p = free.address().port;
      free.close(() => http.get({ host: '127.0.0.1', port: p }).on('error', (err) => {
        job.error({ err }, 'search index unreachable');
        resolve();
      }));
    });
  });
  log.info('done');
  server.close();
  upstream.close();
}
main();
