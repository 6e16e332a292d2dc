import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { CapmarketApiError, CapmarketClient } from './CapmarketClient';

/** The client against a local HTTP server that answers every call with one scripted response. */

let server: Server;
let answer: { status: number; headers: Record<string, string>; body: string };

beforeAll(async () => {
  server = createServer((_req, res) => {
    res.writeHead(answer.status, answer.headers).end(answer.body);
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
});

afterAll(async () => {
  await new Promise(resolve => server.close(resolve));
});

function client(): CapmarketClient {
  return new CapmarketClient({ baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, token: 'demo-app-token' });
}

async function errorOf(call: Promise<unknown>): Promise<CapmarketApiError> {
  const error = await call.then(() => undefined, e => e);
  expect(error).toBeInstanceOf(CapmarketApiError);
  return error as CapmarketApiError;
}

const restoring = JSON.stringify({ type: 'https://capmarket.io/problems/retry-later', detail: 'the request store is being rebalanced or restored; retry shortly' });

describe('CapmarketClient', () => {
  it('keeps the Retry-After of an error, in seconds', async () => {
    answer = { status: 503, headers: { 'Content-Type': 'application/problem+json', 'Retry-After': '2' }, body: restoring };

    const error = await errorOf(client().waitFor('alpha.1', 'FULFILLED', 1000));

    expect(error.status).toBe(503);
    expect(error.retryAfterSeconds).toBe(2);
    expect(error.message).toBe('GET /v1/requests/alpha.1?waitFor=FULFILLED&timeout=1s answered 503: ' +
      'the request store is being rebalanced or restored; retry shortly');
  });

  it('reads a Retry-After given as a date as the seconds until then', async () => {
    const inTenSeconds = new Date(Math.ceil(Date.now() / 1000) * 1000 + 10_000).toUTCString();
    answer = { status: 429, headers: { 'Retry-After': inTenSeconds }, body: '' };

    const error = await errorOf(client().waitFor('alpha.1', 'FULFILLED', 1000));

    expect(error.retryAfterSeconds).toBeGreaterThanOrEqual(9);
    expect(error.retryAfterSeconds).toBeLessThanOrEqual(11);
  });

  it('has no Retry-After when the gateway gave none, or one it cannot read', async () => {
    answer = { status: 502, headers: {}, body: '<html>Bad Gateway</html>' };
    expect((await errorOf(client().waitFor('alpha.1', 'FULFILLED', 1000))).retryAfterSeconds).toBeUndefined();

    answer = { status: 503, headers: { 'Retry-After': 'soon' }, body: restoring };
    expect((await errorOf(client().waitFor('alpha.1', 'FULFILLED', 1000))).retryAfterSeconds).toBeUndefined();
  });
});
