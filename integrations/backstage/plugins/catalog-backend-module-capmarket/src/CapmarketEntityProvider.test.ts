import { mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { EntityProviderMutation } from '@backstage/plugin-catalog-node';
import { Capability, CapmarketClient, LIVE_STATES, Request, RequestState } from '@capmarket/backstage-plugin-capmarket-node';
import { CapmarketEntityProvider } from './CapmarketEntityProvider';

/**
 * The entity provider against a gateway scripted in memory: the catalog answers one capability,
 * and each list of requests in a state answers the requests scripted for that state.
 */

const BASE_URL = 'http://gateway.test:8080';

const postgres: Capability = {
  name: 'postgres-database',
  description: 'A PostgreSQL database',
  versions: [{ version: 1, parameterSchema: { type: 'object' }, outputSchema: {}, deprecated: false, sunset: null }],
  offers: [{ offerId: 'pg-eu', producerId: 'dba-eu', version: 1, status: 'ACTIVE', attributes: {}, capacity: 10, leadTimeSloMs: 60_000 }],
  updatedAt: '2026-12-02T18:00:00Z',
};

function request(id: string, state: RequestState, historyLength = 6): Request {
  return {
    id,
    team: 'demo-app',
    capability: 'postgres-database',
    version: 1,
    parameters: { size: 'small' },
    state,
    offerId: 'pg-eu',
    producerId: 'dba-eu',
    attempt: 1,
    outputs: { host: `${id}.db.eu-west` },
    reason: null,
    submittedAt: '2026-12-02T18:00:00Z',
    updatedAt: '2026-12-02T18:00:00Z',
    history: Array.from({ length: historyLength }, () => ({ state, at: '2026-12-02T18:00:00Z' })),
  };
}

/** A client whose lists answer {@code byState}, keeping which states were listed. */
function scripted(byState: Partial<Record<RequestState, Request[]>>) {
  const listed: RequestState[] = [];
  const client = {
    url: BASE_URL,
    capabilities: async () => [postgres],
    requests: async (state: RequestState) => {
      listed.push(state);
      return byState[state] ?? [];
    },
  } as unknown as CapmarketClient;
  return { client, listed };
}

/** Connects a provider over {@code client}, runs its refresh once and returns the Resources of the full mutation. */
async function resourcesOf(client: CapmarketClient): Promise<Entity[]> {
  const mutations: EntityProviderMutation[] = [];
  const provider = new CapmarketEntityProvider({
    client,
    logger: mockServices.logger.mock(),
    taskRunner: { run: async task => task.fn(new AbortController().signal) },
  });
  await provider.connect({ applyMutation: async m => { mutations.push(m); }, refresh: async () => {} });
  expect(mutations.map(m => m.type)).toEqual(['full']);
  return mutations[0].type === 'full' ? mutations[0].entities.map(e => e.entity).filter(e => e.kind === 'Resource') : [];
}

function stateOf(resources: Entity[]): Record<string, string | undefined> {
  return Object.fromEntries(resources.map(r => [r.metadata.annotations?.['capmarket.io/request-id'], r.metadata.annotations?.['capmarket.io/state']]));
}

describe('CapmarketEntityProvider', () => {
  it('keeps the Resource of every live request, updating and deprovisioning ones too, and says its state', async () => {
    const { client, listed } = scripted({
      FULFILLED: [request('r-1', 'FULFILLED')],
      UPDATING: [request('r-2', 'UPDATING')],
      DEPROVISIONING: [request('r-3', 'DEPROVISIONING')],
      DEPROVISIONED: [request('r-4', 'DEPROVISIONED')],
    });

    const resources = await resourcesOf(client);

    expect(stateOf(resources)).toEqual({ 'r-1': 'FULFILLED', 'r-2': 'UPDATING', 'r-3': 'DEPROVISIONING' });
    expect(resources.map(r => r.metadata.name)).toEqual(['postgres-database-r-1', 'postgres-database-r-2', 'postgres-database-r-3']);
    expect(JSON.parse(resources[1].metadata.annotations!['capmarket.io/outputs'])).toEqual({ host: 'r-2.db.eu-west' });
    expect([...listed].sort()).toEqual([...LIVE_STATES].sort());
  });

  it('emits a request once when it moves from one live state to another while the lists are read, as its newer view', async () => {
    const { client } = scripted({
      FULFILLED: [request('r-1', 'FULFILLED', 6)],
      UPDATING: [request('r-1', 'UPDATING', 7), request('r-2', 'UPDATING', 7)],
      DEPROVISIONING: [request('r-2', 'DEPROVISIONING', 9)],
    });

    const resources = await resourcesOf(client);

    expect(stateOf(resources)).toEqual({ 'r-1': 'UPDATING', 'r-2': 'DEPROVISIONING' });
    expect(resources).toHaveLength(2);
  });
});
