import {
  SchedulerServiceTaskInvocationDefinition,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { JsonObject } from '@backstage/types';
import {
  apiEntityV1alpha1Validator,
  Entity,
  FieldFormatEntityPolicy,
  groupEntityV1alpha1Validator,
  KindValidator,
  resourceEntityV1alpha1Validator,
  SchemaValidEntityPolicy,
} from '@backstage/catalog-model';
import { catalogProcessingExtensionPoint, EntityProvider, EntityProviderMutation } from '@backstage/plugin-catalog-node';
import { LIVE_STATES } from '@capmarket/backstage-plugin-capmarket-node';
import { liveGateway, orderDatabase } from '../../../test/liveGateway';
import { CapmarketEntityProvider } from './CapmarketEntityProvider';
import catalogModuleCapmarket, { DEFAULT_SCHEDULE } from './index';

const gateway = liveGateway();

type ScheduledTask = { schedule: SchedulerServiceTaskScheduleDefinition; task: SchedulerServiceTaskInvocationDefinition };

/**
 * Starts a backend with the module and app-config around the live gateway; returns the provider
 * it added and the tasks it scheduled.
 */
async function startWithProvider(capmarket: JsonObject) {
  const tasks: ScheduledTask[] = [];
  const scheduler = mockServices.scheduler.mock({
    createScheduledTaskRunner: schedule => ({ run: async task => { tasks.push({ schedule, task }); } }),
  });
  const providers: EntityProvider[] = [];
  const backend = await startTestBackend({
    extensionPoints: [[catalogProcessingExtensionPoint, {
      addEntityProvider: (...added: Array<EntityProvider | EntityProvider[]>) => providers.push(...added.flat()),
    }]],
    features: [
      catalogModuleCapmarket,
      scheduler.factory,
      mockServices.rootConfig.factory({ data: { capmarket } }),
    ],
  });
  return { backend, tasks, providers };
}

/** Connects a provider to a catalog connection that keeps the mutations, and runs the refresh it scheduled once. */
async function refreshOnce(provider: CapmarketEntityProvider, tasks: ScheduledTask[]) {
  const mutations: EntityProviderMutation[] = [];
  await provider.connect({ applyMutation: async m => { mutations.push(m); }, refresh: async () => {} });
  expect(tasks.map(t => t.task.id)).toEqual([provider.taskId]);
  await tasks[0].task.fn(new AbortController().signal);
  expect(mutations).toHaveLength(1);
  const mutation = mutations[0];
  if (mutation.type !== 'full') {
    throw new Error(`expected a full mutation, got ${mutation.type}`);
  }
  return mutation.entities.map(e => e.entity);
}

function find(entities: Entity[], kind: string, name: string): Entity {
  const found = entities.find(e => e.kind === kind && e.metadata.name === name);
  if (!found) {
    throw new Error(`no ${kind} ${name} among ${entities.map(e => `${e.kind}:${e.metadata.name}`).join(', ')}`);
  }
  return found;
}

/** What the catalog itself checks of an entity before it takes it in. */
async function expectValid(entity: Entity, validator: KindValidator) {
  await expect(new SchemaValidEntityPolicy().enforce(entity)).resolves.toBe(entity);
  await expect(new FieldFormatEntityPolicy().enforce(entity)).resolves.toBe(entity);
  await expect(validator.check(entity)).resolves.toBe(true);
}

describe('catalogModuleCapmarket', () => {
  it('emits the demo catalog: capabilities as APIs, producers as Groups, a fulfilled request as its team\'s Resource', async () => {
    const ordered = await orderDatabase(gateway.consumer);
    const { backend, tasks, providers } = await startWithProvider({
      baseUrl: gateway.baseUrl,
      token: gateway.adminToken,
      catalog: { schedule: { frequency: { minutes: 30 }, timeout: { minutes: 1 } } },
    });
    try {
      expect(providers.map(p => p.getProviderName())).toEqual(['capmarket']);
      const entities = await refreshOnce(providers[0] as CapmarketEntityProvider, tasks);
      expect(tasks[0].schedule).toEqual({ frequency: { minutes: 30 }, timeout: { minutes: 1 } });

      const postgres = await gateway.consumer.capability('postgres-database');
      const api = find(entities, 'API', 'postgres-database');
      await expectValid(api, apiEntityV1alpha1Validator);
      expect(api.spec?.type).toBe('capmarket-capability');
      const schema = JSON.parse(api.spec?.definition as string);
      expect(schema).toEqual(postgres.versions.find(v => v.version === 1)!.parameterSchema);
      expect(schema.properties.size.enum).toEqual(['small', 'medium', 'large']);
      // either demo producer's offer may have set the contract first
      const contractOwner = postgres.versions.find(v => v.version === 1)!.contractOwner;
      expect(['dba-eu', 'dba-us']).toContain(contractOwner);
      expect(api.spec?.owner).toBe(`group:default/${contractOwner}`);
      expect(api.metadata.annotations?.['capmarket.io/producers']).toBe('dba-eu,dba-us');
      expect(find(entities, 'API', 'kafka-topic').spec?.owner).toBe('group:default/streaming-team');

      for (const producer of ['dba-eu', 'dba-us']) {
        const group = find(entities, 'Group', producer);
        await expectValid(group, groupEntityV1alpha1Validator);
        expect(group.spec?.type).toBe('capmarket-producer');
        expect(group.metadata.description).toContain('postgres-database');
      }
      expect(entities.filter(e => e.kind === 'Group').map(e => e.metadata.name)).toEqual(['dba-eu', 'dba-us', 'streaming-team']);

      const resource = find(entities, 'Resource', `postgres-database-${ordered.id}`);
      await expectValid(resource, resourceEntityV1alpha1Validator);
      expect(resource.spec?.owner).toBe(`group:default/${gateway.team}`);
      expect(resource.spec?.type).toBe('postgres-database');
      expect(resource.spec?.dependsOn).toEqual(['api:default/postgres-database']);
      expect(resource.metadata.annotations?.['capmarket.io/request-id']).toBe(ordered.id);
      expect(resource.metadata.annotations?.['capmarket.io/state']).toBe('FULFILLED');
      expect(resource.metadata.annotations?.['capmarket.io/producer']).toBe(ordered.producerId);
      expect(JSON.parse(resource.metadata.annotations!['capmarket.io/outputs'])).toEqual(ordered.outputs);
      expect(resource.metadata.annotations?.['backstage.io/managed-by-location']).toBe(`url:${gateway.baseUrl}/v1/requests/${ordered.id}`);

      const live = (await Promise.all(LIVE_STATES.map(state => gateway.admin.requests(state)))).flat();
      expect(entities.filter(e => e.kind === 'Resource')).toHaveLength(new Set(live.map(r => r.id)).size);
    } finally {
      await backend.stop();
    }
  });

  it('gives every API the configured owner', async () => {
    const { backend, tasks, providers } = await startWithProvider({
      baseUrl: gateway.baseUrl,
      token: gateway.consumerToken,
      catalog: { apiOwner: 'group:default/platform' },
    });
    try {
      const entities = await refreshOnce(providers[0] as CapmarketEntityProvider, tasks);
      expect(tasks[0].schedule).toEqual(DEFAULT_SCHEDULE);
      const apis = entities.filter(e => e.kind === 'API');
      expect(apis.map(e => e.metadata.name)).toEqual(expect.arrayContaining(['postgres-database', 'kafka-topic']));
      expect(new Set(apis.map(e => e.spec?.owner))).toEqual(new Set(['group:default/platform']));
    } finally {
      await backend.stop();
    }
  });

  it('fails a refresh with the gateway\'s answer when the token is unknown', async () => {
    const { backend, tasks, providers } = await startWithProvider({ baseUrl: gateway.baseUrl, token: 'not-a-known-token' });
    try {
      const applyMutation = jest.fn();
      await providers[0].connect({ applyMutation, refresh: async () => {} });
      await expect(tasks[0].task.fn(new AbortController().signal)).rejects.toThrow(/GET \/v1\/\S+ answered 401: the bearer token is not known/);
      expect(applyMutation).not.toHaveBeenCalled();
    } finally {
      await backend.stop();
    }
  });
});
