import { randomUUID } from 'node:crypto';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { CapmarketClient } from '@capmarket/backstage-plugin-capmarket-node';
import { liveGateway } from '../../../test/liveGateway';
import { createCapmarketRequestAction, idempotencyKey } from './requestAction';

const gateway = liveGateway();
const action = createCapmarketRequestAction({ client: gateway.consumer });

type Outputs = { requestId: string; state: string; outputs: Record<string, string> };

/** Runs the action as the scaffolder would for one step of a task, and collects what it output. */
async function runStep(taskId: string, input: Record<string, unknown>): Promise<Outputs> {
  const ctx = createMockActionContext({ input: input as any, task: { id: taskId } });
  await action.handler(ctx as any);
  const outputs: Record<string, unknown> = {};
  for (const [name, value] of (ctx.output as jest.Mock).mock.calls) {
    outputs[name] = value;
  }
  return outputs as Outputs;
}

describe('capmarket:request', () => {
  const database = { capability: 'postgres-database', parameters: { size: 'small' }, constraints: { region: ['eu-west'] } };

  it('submits, waits until the request is FULFILLED and returns its id, state and outputs', async () => {
    const taskId = randomUUID();
    const result = await runStep(taskId, database);

    expect(result.state).toBe('FULFILLED');
    const request = await gateway.consumer.waitFor(result.requestId, 'FULFILLED', 0);
    expect(request.team).toBe(gateway.team);
    expect(request.capability).toBe('postgres-database');
    expect(request.version).toBe(1); // the newest version, found in the catalog since the input named none
    expect(request.producerId).toBe('dba-eu');
    expect(result.outputs).toEqual(request.outputs);
    expect(result.outputs.passwordRef).toMatch(/^vault:/);
    expect(result.outputs.host).toContain('eu-west');
  });

  it('returns the same request when a step of the same task runs again, and a new one for another task', async () => {
    const taskId = randomUUID();
    const first = await runStep(taskId, database);
    const retried = await runStep(taskId, database);
    const otherTask = await runStep(randomUUID(), database);

    expect(retried.requestId).toBe(first.requestId);
    expect(retried.outputs).toEqual(first.outputs);
    expect(otherTask.requestId).not.toBe(first.requestId);
    const ours = (await gateway.consumer.requests('FULFILLED')).filter(r => r.id === first.requestId);
    expect(ours).toHaveLength(1);
  });

  it('names the capability and the field when the parameters break the schema', async () => {
    await expect(runStep(randomUUID(), { capability: 'postgres-database', parameters: { size: 'enormous' } }))
      .rejects.toThrow(/POST \/v1\/requests answered 422: the parameters do not satisfy the parameter schema of postgres-database version 1 \(parameters\.size: /);
  });

  it('fails with the request and its state at the timeout, and with the reason once it is cancelled', async () => {
    const taskId = randomUUID();
    const nowhere = { capability: 'kafka-topic', parameters: { name: 'orders.nowhere' }, constraints: { region: ['nowhere'] } };

    const timedOut = runStep(taskId, { ...nowhere, timeoutSeconds: 2 });
    await expect(timedOut).rejects.toThrow(/capmarket request [0-9a-f-]{36} \(kafka-topic\) is still WAITING after 2s waiting for FULFILLED/);
    const requestId = /request ([0-9a-f-]{36})/.exec(String(await timedOut.catch(e => e.message)))![1];

    await cancel(gateway.baseUrl, gateway.consumerToken, requestId);
    await expect(runStep(taskId, { ...nowhere, timeoutSeconds: 60 }))
      .rejects.toThrow(new RegExp(`capmarket request ${requestId} \\(kafka-topic\\) ended CANCELLED without reaching FULFILLED: cancelled by`));
  });

  it('waits in PENDING_APPROVAL for a large database, naming its approvers, until an admin approves it', async () => {
    const taskId = randomUUID();
    const large = { capability: 'postgres-database', parameters: { size: 'large' }, constraints: { region: ['eu-west'] } };

    const pending = await runStep(taskId, { ...large, waitFor: 'PENDING_APPROVAL', timeoutSeconds: 60 });
    expect(pending.state).toBe('PENDING_APPROVAL');
    await expect(runStep(taskId, { ...large, timeoutSeconds: 1 })).rejects.toThrow(
      new RegExp(`capmarket request ${pending.requestId} \\(postgres-database\\) is still PENDING_APPROVAL after 1s waiting for ` +
        'FULFILLED, awaiting approval: .*role:admin'),
    );
    await approve(gateway.baseUrl, gateway.adminToken, pending.requestId);
    const approved = await runStep(taskId, { ...large, timeoutSeconds: 60 });

    expect(approved.requestId).toBe(pending.requestId);
    expect(approved.state).toBe('FULFILLED');
  });

  it('derives the Idempotency-Key from the task and step, hashing what would not fit', () => {
    expect(idempotencyKey('t-1', 'database')).toBe('backstage:t-1:database');
    expect(idempotencyKey('t-1', undefined)).toBe('backstage:t-1:capmarket:request');
    expect(idempotencyKey('t-1', 'database', { name: 'a' })).not.toBe(idempotencyKey('t-1', 'database', { name: 'b' }));
    expect(idempotencyKey('t-1', 'base de données')).toMatch(/^backstage:[0-9a-f]{64}$/);
  });

  it('rejects a client without a usable gateway URL or token, naming the setting', () => {
    expect(() => new CapmarketClient({ baseUrl: 'ftp://gateway', token: 't' })).toThrow(/capmarket\.baseUrl must be an http\(s\) URL/);
    expect(() => new CapmarketClient({ baseUrl: gateway.baseUrl, token: '' })).toThrow(/capmarket\.token must be/);
  });
});

async function approve(baseUrl: string, token: string, id: string): Promise<void> {
  const response = await fetch(`${baseUrl}/v1/requests/${id}/approve`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ reason: 'checked by the Backstage module test' }),
  });
  expect(response.status).toBe(202);
}

async function cancel(baseUrl: string, token: string, id: string): Promise<void> {
  const response = await fetch(`${baseUrl}/v1/requests/${id}`, { method: 'DELETE', headers: { Authorization: `Bearer ${token}` } });
  expect(response.status).toBe(202);
}
