// A plain Node http service with no OpenTelemetry code of its own (the SDK is
// loaded before it by `node --require ./node-sdk-setup.cjs`): `/fan?to=URL`
// calls another service three times, one call after another, with the two
// HTTP clients Node has (http.get, instrumented by instrumentation-http; fetch,
// by instrumentation-undici). Prints its port.
const http = require('node:http');

function get(url) {
  return new Promise((resolve, reject) => {
    http
      .get(url, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode));
      })
      .on('error', reject);
  });
}

const server = http.createServer(async (req, res) => {
  const url = new URL(req.url, 'http://service');
  if (url.pathname === '/fan') {
    const to = url.searchParams.get('to');
    const statuses = [];
    statuses.push(await get(`${to}/items/1`));
    statuses.push(await get(`${to}/items/2?token=s3cret`));
    const answer = await fetch(`${to}/items/3`);
    await answer.arrayBuffer();
    statuses.push(answer.status);
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ statuses }));
    return;
  }
  res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ path: url.pathname }));
});
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ port: server.address().port })}\n`);
});
