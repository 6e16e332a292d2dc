import { Validator } from 'jsonschema';
import { CapmarketApiError, CapmarketClient, Request, RequestState } from '@capmarket/backstage-plugin-capmarket-node';
import { createCapmarketRequestAction, SUBMIT_ATTEMPTS } from './requestAction';
import { recordedSleep, runStep, scripted, view } from '../../../test/scriptedGateway';

/**
 * capmarket:request against a gateway scripted in memory: the submit answers one view of the
 * request, each long-poll the next view or error, and a long-poll that answers no new state moves
 * the (fake) clock by as long as a real one would have waited. The action's pauses between reads
 * move the clock by their length instead of sleeping.
 */

const submittedAt = Date.parse('2026-12-02T18:00:00Z');

const PROVISIONED: Request['history'] = [
  { state: 'SUBMITTED', at: '2026-12-02T18:00:00Z' },
  { state: 'WAITING', at: '2026-12-02T18:00:00Z' },
  { state: 'MATCHED', at: '2026-12-02T18:00:01Z' },
  { state: 'ACCEPTED', at: '2026-12-02T18:00:01Z' },
  { state: 'IN_PROGRESS', at: '2026-12-02T18:00:02Z' },
  { state: 'FULFILLED', at: '2026-12-02T18:00:05Z' },
];

function apiError(status: number, detail: string, retryAfterSeconds?: number): CapmarketApiError {
  const path = 'GET /v1/requests/alpha.1?waitFor=FULFILLED&timeout=30s';
  return status === 0
    ? new CapmarketApiError(`${path} failed: fetch failed (connect ECONNREFUSED 127.0.0.1:8080)`, 0, undefined, [])
    : new CapmarketApiError(`${path} answered ${status}: ${detail}`, status, undefined, [], retryAfterSeconds);
}

function submitError(status: number, detail: string, options: { retryAfterSeconds?: number; type?: string } = {}): CapmarketApiError {
  return status === 0
    ? new CapmarketApiError('POST http://127.0.0.1:8080/v1/requests failed: fetch failed (connect ECONNREFUSED 127.0.0.1:8080)', 0, undefined, [])
    : new CapmarketApiError(`POST /v1/requests answered ${status}: ${detail}`, status, options.type, [], options.retryAfterSeconds);
}

/** The Idempotency-Key of the step runStep runs (task mock-task-id, step mock-step-id). */
const KEY = 'backstage:mock-task-id:mock-step-id';

describe('capmarket:request with a gateway scripted in memory', () => {
  beforeEach(() => {
    jest.useFakeTimers({ now: submittedAt, doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
  });

  afterEach(() => {
    jest.useRealTimers();
  });

  describe('a request that has ended since', () => {
    it('fails a retried step whose request was fulfilled and has since been deprovisioned, with the reason of its last transition', async () => {
      const deprovisioned = view('DEPROVISIONED', {
        outputs: { host: 'db.eu-west' },
        history: [
          ...PROVISIONED,
          { state: 'DEPROVISIONING', at: '2026-12-03T09:00:00Z', detail: 'deprovision asked by alice' },
          { state: 'DEPROVISIONED', at: '2026-12-03T09:00:10Z', detail: 'deprovisioned by dba-eu' },
        ],
      });
      const { client, waits } = scripted(deprovisioned, [deprovisioned]);

      await expect(runStep(client, { timeoutSeconds: 600 })).rejects.toThrow(
        'capmarket request alpha.1 (postgres-database) reached FULFILLED, then ended DEPROVISIONED: deprovisioned by dba-eu; ' +
          'running this step again returns the same request, a new task orders a new one',
      );
      expect(waits).toEqual([]);
    });

    it('fails a retried step whose request is being deprovisioned, naming the state and the reason', async () => {
      const deprovisioning = view('DEPROVISIONING', {
        outputs: { host: 'db.eu-west' },
        history: [...PROVISIONED, { state: 'DEPROVISIONING', at: '2026-12-03T09:00:00Z', detail: 'deprovision asked by alice' }],
      });
      const { client, waits } = scripted(deprovisioning, [deprovisioning]);

      await expect(runStep(client, { timeoutSeconds: 600 })).rejects.toThrow(
        'capmarket request alpha.1 (postgres-database) reached FULFILLED, then went DEPROVISIONING (its resource is being torn down ' +
          'and the request can only end DEPROVISIONED): deprovision asked by alice; ' +
          'running this step again returns the same request, a new task orders a new one',
      );
      expect(waits).toEqual([]);
    });

    it('fails a step whose request goes DEPROVISIONING while it waits for UPDATING', async () => {
      const fulfilled = view('FULFILLED', { history: PROVISIONED });
      const deprovisioning = view('DEPROVISIONING', {
        history: [...PROVISIONED, { state: 'DEPROVISIONING', at: '2026-12-03T09:00:00Z', detail: 'ttl of 7d expired' }],
      });
      const { client, waits } = scripted(fulfilled, [deprovisioning]);

      await expect(runStep(client, { waitFor: 'UPDATING', timeoutSeconds: 600 })).rejects.toThrow(
        'capmarket request alpha.1 (postgres-database) went DEPROVISIONING (its resource is being torn down ' +
          'and the request can only end DEPROVISIONED) without reaching UPDATING: ttl of 7d expired',
      );
      expect(waits).toEqual(['UPDATING']);
    });

    it('ends a step that waits for DEPROVISIONING there, and one that waits for DEPROVISIONED once it is', async () => {
      const deprovisioning = view('DEPROVISIONING', {
        history: [...PROVISIONED, { state: 'DEPROVISIONING', at: '2026-12-03T09:00:00Z' }],
      });
      const deprovisioned = view('DEPROVISIONED', {
        history: [...deprovisioning.history, { state: 'DEPROVISIONED', at: '2026-12-03T09:00:10Z' }],
      });

      expect((await runStep(scripted(deprovisioning, [deprovisioning]).client, { waitFor: 'DEPROVISIONING' })).state).toBe('DEPROVISIONING');
      const { client, waits } = scripted(deprovisioning, [deprovisioned]);
      expect((await runStep(client, { waitFor: 'DEPROVISIONED' })).state).toBe('DEPROVISIONED');
      expect(waits).toEqual(['DEPROVISIONED']);
    });

    it('fails a retried step that waited for approval once the request was rejected', async () => {
      const rejected = view('FAILED', {
        reason: 'rejected by alice (team platform, role admin): large is for production teams',
        history: [
          { state: 'SUBMITTED', at: '2026-12-02T18:00:00Z' },
          { state: 'PENDING_APPROVAL', at: '2026-12-02T18:00:00Z' },
          { state: 'FAILED', at: '2026-12-02T19:00:00Z', detail: 'rejected by alice (team platform, role admin): large is for production teams' },
        ],
      });
      const { client } = scripted(rejected, [rejected]);

      await expect(runStep(client, { waitFor: 'PENDING_APPROVAL', timeoutSeconds: 600 })).rejects.toThrow(
        'capmarket request alpha.1 (postgres-database) reached PENDING_APPROVAL, then ended FAILED: ' +
          'rejected by alice (team platform, role admin): large is for production teams',
      );
    });

    it('fails a step whose request ends while it waits, after passing the state it waited for', async () => {
      const failed = view('FAILED', {
        reason: null,
        history: [...PROVISIONED.slice(0, 3), { state: 'FAILED', at: '2026-12-02T18:00:03Z', detail: 'dba-eu: out of disk' }],
      });
      const { client, waits } = scripted(view('WAITING'), [failed]);

      await expect(runStep(client, { waitFor: 'MATCHED', timeoutSeconds: 600 })).rejects.toThrow(
        'capmarket request alpha.1 (postgres-database) reached MATCHED, then ended FAILED: dba-eu: out of disk',
      );
      expect(waits).toEqual(['MATCHED']);
    });

    it('ends a step that waits for the state the request ended in', async () => {
      const cancelled = view('CANCELLED', {
        history: [...view('WAITING').history, { state: 'CANCELLED', at: '2026-12-02T18:10:00Z', detail: 'cancelled by alice' }],
      });
      const { client } = scripted(cancelled, [cancelled]);

      const outputs = await runStep(client, { waitFor: 'CANCELLED', timeoutSeconds: 600 });

      expect(outputs.state).toBe('CANCELLED');
    });

    it('ends a step whose resource is live once it passed the state waited for', async () => {
      const updating = view('UPDATING', { outputs: { host: 'db.eu-west' }, history: [...PROVISIONED, { state: 'UPDATING', at: '2026-12-03T09:00:00Z' }] });
      const { client } = scripted(updating, [updating]);

      const outputs = await runStep(client, { timeoutSeconds: 600 });

      expect(outputs).toEqual({ requestId: 'alpha.1', state: 'UPDATING', outputs: { host: 'db.eu-west' } });
    });
  });

  describe('a gateway that cannot answer for a while', () => {
    const fulfilled = view('FULFILLED', { outputs: { host: 'db.eu-west' }, history: PROVISIONED });

    it('reads again after the Retry-After the gateway asks for, and ends with the fulfilment', async () => {
      const restoring = apiError(503, 'the request store is being rebalanced or restored; retry shortly', 2);
      const { client, waits } = scripted(view('WAITING'), [restoring, fulfilled]);
      const { sleep, pauses } = recordedSleep();
      const warn = jest.fn();

      const outputs = await runStep(client, { timeoutSeconds: 600 }, { sleep, warn });

      expect(outputs).toEqual({ requestId: 'alpha.1', state: 'FULFILLED', outputs: { host: 'db.eu-west' } });
      expect(pauses).toEqual([2000]);
      expect(waits).toEqual(['FULFILLED', 'FULFILLED']);
      expect(warn.mock.calls.map(call => String(call[0]))).toEqual([
        'capmarket request alpha.1 could not be read, reading it again in 2s: GET /v1/requests/alpha.1?waitFor=FULFILLED&timeout=30s ' +
          'answered 503: the request store is being rebalanced or restored; retry shortly',
      ]);
    });

    it('backs off from 1 s, doubling up to 15 s, without a Retry-After: no answer, 429, 502, 503 and 504', async () => {
      const errors = [apiError(0, ''), apiError(502, 'Bad Gateway'), apiError(504, 'Gateway Timeout'), apiError(429, 'slow down'),
        apiError(503, 'Service Unavailable'), apiError(502, 'Bad Gateway')];
      const { client } = scripted(view('WAITING'), [...errors, fulfilled]);
      const { sleep, pauses } = recordedSleep();

      const outputs = await runStep(client, { timeoutSeconds: 600 }, { sleep });

      expect(outputs.state).toBe('FULFILLED');
      expect(pauses).toEqual([1000, 2000, 4000, 8000, 15_000, 15_000]);
    });

    it('starts the backoff again after a read that succeeded', async () => {
      const { client } = scripted(view('WAITING'), [apiError(502, 'Bad Gateway'), view('WAITING'), apiError(502, 'Bad Gateway'), fulfilled]);
      const { sleep, pauses } = recordedSleep();

      await runStep(client, { timeoutSeconds: 600 }, { sleep });

      expect(pauses).toEqual([1000, 1000]);
    });

    it('never waits past the step\'s timeout, and then names the last error', async () => {
      const { client } = scripted(view('WAITING'), [apiError(503, 'the request store is being rebalanced or restored; retry shortly')]);
      const { sleep, pauses } = recordedSleep();

      await expect(runStep(client, { timeoutSeconds: 10 }, { sleep })).rejects.toThrow(
        'capmarket request alpha.1 (postgres-database) is still WAITING after 10s waiting for FULFILLED; ' +
          'its last read failed: GET /v1/requests/alpha.1?waitFor=FULFILLED&timeout=30s answered 503: ' +
          'the request store is being rebalanced or restored; retry shortly; it goes on, and running this step again picks it up',
      );
      expect(pauses).toEqual([1000, 2000, 4000, 3000]);
      expect(Date.now()).toBe(submittedAt + 10_000);
    });

    it('waits no longer than the timeout left when the Retry-After is longer', async () => {
      const { client } = scripted(view('WAITING'), [apiError(429, 'too many requests', 120)]);
      const { sleep, pauses } = recordedSleep();

      await expect(runStep(client, { timeoutSeconds: 30 }, { sleep })).rejects.toThrow(/is still WAITING after 30s waiting for FULFILLED; its last read failed: .* answered 429/);
      expect(pauses).toEqual([30_000]);
    });

    it('fails at once on any other error', async () => {
      const { client, waits } = scripted(view('WAITING'), [apiError(404, 'there is no request alpha.1 for you'), fulfilled]);
      const { sleep, pauses } = recordedSleep();

      await expect(runStep(client, { timeoutSeconds: 600 }, { sleep })).rejects.toThrow(
        'GET /v1/requests/alpha.1?waitFor=FULFILLED&timeout=30s answered 404: there is no request alpha.1 for you',
      );
      expect(pauses).toEqual([]);
      expect(waits).toEqual(['FULFILLED']);
    });

    it('stops reading once the task is cancelled', async () => {
      const cancelled = new AbortController();
      const aborted = new CapmarketApiError('GET /v1/requests/alpha.1 failed: This operation was aborted', 0, undefined, []);
      const client = {
        submit: async () => view('WAITING'),
        waitFor: async () => {
          cancelled.abort();
          throw aborted;
        },
      } as unknown as CapmarketClient;
      const { sleep, pauses } = recordedSleep();

      await expect(runStep(client, { timeoutSeconds: 600 }, { sleep, signal: cancelled.signal })).rejects.toBe(aborted);
      expect(pauses).toEqual([]);
    });
  });

  describe('a submit the gateway cannot take for a while', () => {
    const fulfilled = view('FULFILLED', { outputs: { host: 'db.eu-west' }, history: PROVISIONED });

    it('submits again with the same Idempotency-Key after the Retry-After of a 503, and ends with the fulfilment', async () => {
      const restoring = submitError(503, 'the request store is being rebalanced or restored; retry shortly', { retryAfterSeconds: 3 });
      const { client, keys, submissions, waits } = scripted([restoring, view('WAITING')], [fulfilled]);
      const { sleep, pauses } = recordedSleep();
      const warn = jest.fn();

      const outputs = await runStep(client, { timeoutSeconds: 600 }, { sleep, warn });

      expect(outputs).toEqual({ requestId: 'alpha.1', state: 'FULFILLED', outputs: { host: 'db.eu-west' } });
      expect(keys).toEqual([KEY, KEY]);
      expect(submissions[1]).toEqual(submissions[0]);
      expect(pauses).toEqual([3000]);
      expect(waits).toEqual(['FULFILLED']);
      expect(warn.mock.calls.map(call => String(call[0]))).toEqual([
        `capmarket request for postgres-database could not be submitted, submitting it again with Idempotency-Key ${KEY} in 3s ` +
          `(attempt 2 of at most ${SUBMIT_ATTEMPTS}): POST /v1/requests answered 503: ` +
          'the request store is being rebalanced or restored; retry shortly',
      ]);
    });

    it('submits again with the same Idempotency-Key after no answer at all', async () => {
      const { client, keys } = scripted([submitError(0, ''), fulfilled], []);
      const { sleep, pauses } = recordedSleep();

      const outputs = await runStep(client, { timeoutSeconds: 600 }, { sleep });

      expect(outputs.state).toBe('FULFILLED');
      expect(keys).toEqual([KEY, KEY]);
      expect(pauses).toEqual([1000]);
    });

    it('backs off from 1 s without a Retry-After, and waits the Retry-After of a rate limit: 502, 504, 429 and 503', async () => {
      const errors = [submitError(502, 'Bad Gateway'), submitError(504, 'Gateway Timeout'),
        submitError(429, 'caller demo-app is over limits.caller.rate', { retryAfterSeconds: 1 }), submitError(503, 'Service Unavailable')];
      const { client, keys } = scripted([...errors, fulfilled], []);
      const { sleep, pauses } = recordedSleep();

      const outputs = await runStep(client, { timeoutSeconds: 0 }, { sleep });

      expect(outputs.state).toBe('FULFILLED');
      expect(keys).toEqual([KEY, KEY, KEY, KEY, KEY]);
      expect(pauses).toEqual([1000, 2000, 1000, 8000]);
    });

    it('fails at once, with the gateway\'s detail, when the team\'s quota is reached: time alone does not free it', async () => {
      const quota = submitError(429, 'team demo-app holds 3 live postgres-database resources, its quota maxLive is 3',
        { type: 'https://capmarket.io/problems/quota-exceeded' });
      const { client, keys } = scripted([quota, fulfilled], []);
      const { sleep, pauses } = recordedSleep();

      await expect(runStep(client, { timeoutSeconds: 600 }, { sleep })).rejects.toBe(quota);
      expect(quota.message).toBe('POST /v1/requests answered 429: team demo-app holds 3 live postgres-database resources, its quota maxLive is 3');
      expect(keys).toEqual([KEY]);
      expect(pauses).toEqual([]);
    });

    it.each([
      [400, 'the body is not JSON'],
      [401, 'no valid bearer token'],
      [403, 'team demo-app may not order postgres-database'],
      [404, 'there is no capability postgres-database version 1'],
      [409, 'Idempotency-Key backstage:mock-task-id:mock-step-id was used for another body (parameters)'],
      [413, 'the body is larger than 65536 bytes'],
      [422, 'the parameters do not satisfy the parameter schema of postgres-database version 1 (parameters.size: must be one of small, medium, large)'],
    ])('fails at once on a %i, with the gateway\'s detail', async (status, detail) => {
      const refused = submitError(status, detail);
      const { client, keys } = scripted([refused, fulfilled], []);
      const { sleep, pauses } = recordedSleep();

      await expect(runStep(client, { timeoutSeconds: 600 }, { sleep })).rejects.toThrow(`POST /v1/requests answered ${status}: ${detail}`);
      expect(keys).toEqual([KEY]);
      expect(pauses).toEqual([]);
    });

    it('stops after 8 attempts within a minute, naming them, the key and the last error', async () => {
      const { client, keys } = scripted([submitError(503, 'Service Unavailable')], []);
      const { sleep, pauses } = recordedSleep();

      const failed = runStep(client, { timeoutSeconds: 600 }, { sleep });

      await expect(failed).rejects.toThrow(
        `capmarket request for postgres-database could not be submitted: 8 attempts with Idempotency-Key ${KEY} failed over 60s ` +
          '(at most 8 within 60s), the last with: POST /v1/requests answered 503: Service Unavailable; ' +
          'running this step again submits with the same key and never orders twice',
      );
      await expect(failed).rejects.toMatchObject({ name: 'CapmarketApiError', status: 503 });
      expect(keys).toHaveLength(SUBMIT_ATTEMPTS);
      expect(new Set(keys)).toEqual(new Set([KEY]));
      expect(pauses).toEqual([1000, 2000, 4000, 8000, 15_000, 15_000, 15_000]);
    });

    it('waits no longer than the minute of retries when the Retry-After is longer, and then tries once more', async () => {
      const { client, keys } = scripted([submitError(429, 'team demo-app is over limits.team.rate', { retryAfterSeconds: 120 })], []);
      const { sleep, pauses } = recordedSleep();

      await expect(runStep(client, { timeoutSeconds: 600 }, { sleep })).rejects.toThrow(
        /could not be submitted: 2 attempts with Idempotency-Key .* failed over 60s .* the last with: POST \/v1\/requests answered 429: /,
      );
      expect(keys).toEqual([KEY, KEY]);
      expect(pauses).toEqual([60_000]);
      expect(Date.now()).toBe(submittedAt + 60_000);
    });
  });

  describe('what the step submits', () => {
    const action = createCapmarketRequestAction({ client: {} as CapmarketClient });
    const input = { capability: 'postgres-database', priority: 'CRITICAL', ttl: '7d', preferences: { tier: 'gold' } };

    it('takes every priority the gateway takes, and a ttl and preferences', () => {
      for (const priority of ['LOW', 'NORMAL', 'HIGH', 'CRITICAL']) {
        const result = new Validator().validate({ ...input, priority }, action.schema!.input as any);
        expect(result.errors.map(e => e.stack)).toEqual([]);
      }
      expect(new Validator().validate({ ...input, priority: 'URGENT' }, action.schema!.input as any).valid).toBe(false);
      expect(new Validator().validate({ ...input, preferences: { tier: 1 } }, action.schema!.input as any).valid).toBe(false);
    });

    it('passes the priority, ttl and preferences to the gateway unchanged', async () => {
      const { client, submissions } = scripted(view('FULFILLED', { history: PROVISIONED }), []);

      await runStep(client, { ...input, parameters: { size: 'small' }, constraints: { region: ['eu-west'] } });

      expect(submissions).toEqual([{
        capability: 'postgres-database',
        version: 1,
        parameters: { size: 'small' },
        constraints: { region: ['eu-west'] },
        priority: 'CRITICAL',
        ttl: '7d',
        preferences: { tier: 'gold' },
      }]);
    });
  });
});
