import { LoggerService, SchedulerServiceTaskRunner } from '@backstage/backend-plugin-api';
import { EntityProvider, EntityProviderConnection } from '@backstage/plugin-catalog-node';
import { CapmarketClient, LIVE_STATES, Request } from '@capmarket/backstage-plugin-capmarket-node';
import { entitiesOf } from './entities';

/** What the provider needs. */
export type CapmarketEntityProviderOptions = {
  client: CapmarketClient;
  logger: LoggerService;
  /** When to read the gateway; each run replaces every entity this provider emitted before. */
  taskRunner: SchedulerServiceTaskRunner;
  /** The owner of every API entity; by default its newest version's contract owner if it offers it, else its first producer. */
  apiOwner?: string;
};

/**
 * Reads the capmarket gateway and keeps the catalog in step with it: every capability as an
 * {@code API} (its parameter JSON Schema as the definition), every producer as a {@code Group},
 * every live request the token sees (FULFILLED, UPDATING or DEPROVISIONING: its resource exists)
 * as a {@code Resource} owned by its team. Each run is a full mutation, so a capability withdrawn
 * or a resource deprovisioned leaves the catalog, while one being updated or deprovisioned stays.
 */
export class CapmarketEntityProvider implements EntityProvider {
  private readonly client: CapmarketClient;
  private readonly logger: LoggerService;
  private readonly taskRunner: SchedulerServiceTaskRunner;
  private readonly apiOwner?: string;
  private connection?: EntityProviderConnection;

  constructor(options: CapmarketEntityProviderOptions) {
    this.client = options.client;
    this.logger = options.logger;
    this.taskRunner = options.taskRunner;
    this.apiOwner = options.apiOwner;
  }

  getProviderName(): string {
    return 'capmarket';
  }

  /** The scheduler's id of this provider's refresh. */
  get taskId(): string {
    return `${this.getProviderName()}:refresh`;
  }

  async connect(connection: EntityProviderConnection): Promise<void> {
    this.connection = connection;
    await this.taskRunner.run({
      id: this.taskId,
      fn: async () => {
        await this.refresh();
      },
    });
  }

  /** Reads the gateway once and replaces this provider's entities; throws when the gateway cannot be read. */
  async refresh(): Promise<void> {
    if (!this.connection) {
      throw new Error('the capmarket entity provider is not connected to the catalog yet');
    }
    const [capabilities, live] = await Promise.all([this.client.capabilities(), this.liveRequests()]);
    const entities = entitiesOf(capabilities, live, this.client.url, this.apiOwner);
    await this.connection.applyMutation({
      type: 'full',
      entities: entities.map(entity => ({ entity, locationKey: `capmarket-provider:${this.client.url}` })),
    });
    this.logger.info(
      `capmarket: ${capabilities.length} capabilities, ${entities.length - capabilities.length - live.length} producers ` +
        `and ${live.length} live resources from ${this.client.url}`,
    );
  }

  /**
   * The requests in each live state, each request once: one that moves from one live state to
   * another while the lists are read (FULFILLED to UPDATING, say) is in two of them, and its view
   * with the longer history is the newer.
   */
  private async liveRequests(): Promise<Request[]> {
    const lists = await Promise.all(LIVE_STATES.map(state => this.client.requests(state)));
    const byId = new Map<string, Request>();
    for (const request of lists.flat()) {
      const seen = byId.get(request.id);
      if (!seen || (request.history ?? []).length > (seen.history ?? []).length) {
        byId.set(request.id, request);
      }
    }
    return [...byId.values()];
  }
}
