import { CapmarketClient, Request } from '@capmarket/backstage-plugin-capmarket-node';
import { randomUUID } from 'node:crypto';

/**
 * The live gateway the tests run against, from the environment that BackstagePackagesIT sets:
 * CAPMARKET_BASE_URL, CAPMARKET_CONSUMER_TOKEN (team demo-app) and CAPMARKET_ADMIN_TOKEN.
 */
export function liveGateway() {
  const baseUrl = required('CAPMARKET_BASE_URL');
  const consumerToken = required('CAPMARKET_CONSUMER_TOKEN');
  const adminToken = required('CAPMARKET_ADMIN_TOKEN');
  return {
    baseUrl,
    consumerToken,
    adminToken,
    team: 'demo-app',
    consumer: new CapmarketClient({ baseUrl, token: consumerToken }),
    admin: new CapmarketClient({ baseUrl, token: adminToken }),
  };
}

/** Orders a small database in eu-west for the consumer's team and waits until it is FULFILLED. */
export async function orderDatabase(client: CapmarketClient): Promise<Request> {
  const submitted = await client.submit(
    { capability: 'postgres-database', version: 1, parameters: { size: 'small' }, constraints: { region: ['eu-west'] } },
    `test-${randomUUID()}`,
  );
  const deadline = Date.now() + 60_000;
  let request = submitted;
  while (request.state !== 'FULFILLED' && Date.now() < deadline) {
    request = await client.waitFor(request.id, 'FULFILLED', deadline - Date.now());
    if (request.state === 'FAILED' || request.state === 'CANCELLED') {
      break;
    }
  }
  if (request.state !== 'FULFILLED') {
    throw new Error(`request ${request.id} is ${request.state}, not FULFILLED, after a minute: ${request.reason}`);
  }
  return request;
}

function required(name: string): string {
  const value = process.env[name];
  if (!value) {
    throw new Error(`${name} is not set: these tests run against a live capmarket gateway, started by BackstagePackagesIT ` +
      '(./mvnw -pl capmarket-dev -am verify -Dit.test=BackstagePackagesIT)');
  }
  return value;
}
