import { createHash } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  CapmarketApiError,
  CapmarketClient,
  openApprovals,
  Request,
  REQUEST_STATES,
  RequestState,
  LIVE_STATES,
  TERMINAL_STATES,
} from '@capmarket/backstage-plugin-capmarket-node';

/** The action's id, as templates name it. */
export const ACTION_ID = 'capmarket:request';
/** How long the action waits by default, and at most. */
export const DEFAULT_TIMEOUT_SECONDS = 600;
export const MAX_TIMEOUT_SECONDS = 3600;
/**
 * A long-poll that fails with one of these statuses (0: no answer) is tried again within the
 * step's timeout: the gateway restarting, its request store being rebalanced or restored, a proxy
 * in front of it, or a rate limit. Any other error fails the step at once.
 */
export const TRANSIENT_STATUSES: readonly number[] = [0, 429, 502, 503, 504];
/** Without a Retry-After, the pause before reading again: the first, doubling up to the longest. */
export const FIRST_RETRY_MS = 1000;
export const LONGEST_RETRY_MS = 15_000;

/** Waits {@code ms} milliseconds, or rejects once {@code signal} is aborted. */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

const VISIBLE_ASCII = /^[\x21-\x7e]{1,200}$/;

/**
 * The Idempotency-Key of a step of a task: the same task and step always give the same key, so
 * a retried step (or a task run again) returns the request it made the first time instead of
 * ordering twice. A key that would not be 1 to 200 visible ASCII characters is hashed.
 */
export function idempotencyKey(taskId: string, stepId: string | undefined, each?: unknown): string {
  const parts = ['backstage', taskId, stepId ?? ACTION_ID];
  if (each !== undefined) {
    parts.push(createHash('sha256').update(JSON.stringify(each)).digest('hex').slice(0, 16));
  }
  const key = parts.join(':');
  return VISIBLE_ASCII.test(key) ? key : `backstage:${createHash('sha256').update(key).digest('hex')}`;
}

/** Why a request did not reach the state a step waited for. */
export class CapmarketRequestError extends Error {
  readonly name = 'CapmarketRequestError';

  constructor(message: string, readonly request: Request) {
    super(message);
  }
}

/**
 * {@code capmarket:request}: submits a request for a capability with an Idempotency-Key derived
 * from the task and step, long-polls it until it reaches {@code waitFor} (FULFILLED by default)
 * and outputs its id, state and outputs. A request that fails, is cancelled or was rejected by
 * its producer without reaching that state fails the step with the request id and the reason.
 * A request that needs an approval waits in PENDING_APPROVAL: the step logs who may give it, a
 * rejection by an approver fails the step with the approver's reason, and a timeout names the
 * approvals still awaited. A request that reached that state once but has ended since (a retried
 * step whose resource was deprovisioned meanwhile) fails the step too. A long-poll the gateway
 * cannot answer for a while ({@link TRANSIENT_STATUSES}) is tried again after its Retry-After, or
 * else after a backoff from {@link FIRST_RETRY_MS} to {@link LONGEST_RETRY_MS}, never past the
 * step's timeout; {@code sleep} makes those pauses (a timer by default).
 */
export function createCapmarketRequestAction(options: { client: CapmarketClient; sleep?: Sleep }) {
  const { client } = options;
  const sleep = options.sleep ?? ((ms: number, signal?: AbortSignal) => delay(ms, undefined, { signal }));
  return createTemplateAction({
    id: ACTION_ID,
    description: 'Orders a capability from the capmarket marketplace and waits until it is fulfilled',
    examples: [
      {
        description: 'Order a small PostgreSQL database in eu-west',
        example: [
          'steps:',
          '  - id: database',
          '    name: Order a database',
          `    action: ${ACTION_ID}`,
          '    input:',
          '      capability: postgres-database',
          '      parameters:',
          '        size: small',
          '      constraints:',
          '        region: [eu-west]',
        ].join('\n'),
      },
    ],
    schema: {
      input: {
        capability: z => z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/).describe('The capability to order, e.g. postgres-database'),
        version: z => z.number().int().min(1).optional().describe('Its major version; the newest one offered when left out'),
        parameters: z => z.record(z.string(), z.unknown()).optional().describe("Checked against the version's parameter schema; {} when left out"),
        constraints: z => z.record(z.string(), z.array(z.string()).min(1)).optional().describe('e.g. region: [eu-west]'),
        priority: z => z.enum(['LOW', 'NORMAL', 'HIGH', 'CRITICAL']).optional()
          .describe('NORMAL when left out; above NORMAL only for teams granted it'),
        preferences: z => z.record(z.string(), z.string()).optional().describe('Preferred attribute values, e.g. tier: gold'),
        ttl: z => z.string().optional()
          .describe('How long the resource lives once fulfilled (1m to 3650d, like 7d, 12h or PT36H); as long as the offer allows when left out'),
        waitFor: z => z.enum(REQUEST_STATES).optional().describe('The state to wait for; FULFILLED when left out'),
        timeoutSeconds: z => z.number().int().min(0).max(MAX_TIMEOUT_SECONDS).optional()
          .describe(`How long to wait for it, in seconds (0: do not wait); ${DEFAULT_TIMEOUT_SECONDS} when left out`),
      },
      output: {
        requestId: z => z.string().describe('The request id'),
        state: z => z.string().describe('Its state when the step ended'),
        outputs: z => z.record(z.string(), z.string()).describe("The producer's outputs (references to secrets, never secrets)"),
      },
    },
    async handler(ctx) {
      // the scaffolder checks input against the JSON Schema, which applies no defaults: they are applied here
      const { capability, constraints, preferences, priority, ttl } = ctx.input;
      const parameters = ctx.input.parameters ?? {};
      const waitFor: RequestState = ctx.input.waitFor ?? 'FULFILLED';
      const timeoutSeconds = ctx.input.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS;
      const version = ctx.input.version ?? (await newestVersion(client, capability));
      const key = idempotencyKey(ctx.task.id, ctx.step?.id, ctx.each);
      const submitted = await client.submit({ capability, version, parameters, constraints, preferences, priority, ttl }, key);
      ctx.logger.info(`capmarket request ${submitted.id} for ${capability} version ${version} is ${submitted.state} (Idempotency-Key ${key})`);
      const request = timeoutSeconds === 0
        ? submitted
        : await waitUntil(client, sleep, submitted, waitFor, timeoutSeconds * 1000, ctx.logger, ctx.signal);
      ctx.logger.info(`capmarket request ${request.id} is ${request.state}`);
      ctx.output('requestId', request.id);
      ctx.output('state', request.state);
      ctx.output('outputs', request.outputs ?? {});
    },
  });
}

async function newestVersion(client: CapmarketClient, name: string): Promise<number> {
  const capability = await client.capability(name);
  const versions = capability.versions.filter(v => !v.deprecated).map(v => v.version);
  const all = versions.length ? versions : capability.versions.map(v => v.version);
  if (!all.length) {
    throw new Error(`capability ${name} has no version in the capmarket catalog`);
  }
  return Math.max(...all);
}

/**
 * Long-polls until the request is in or past {@code waitFor}, finished otherwise, or the time is
 * up; a long-poll that fails for a while ({@link TRANSIENT_STATUSES}) is tried again within that time.
 */
async function waitUntil(
  client: CapmarketClient,
  sleep: Sleep,
  first: Request,
  waitFor: RequestState,
  timeoutMs: number,
  logger: { info(message: string): void; warn(message: string): void },
  signal?: AbortSignal,
): Promise<Request> {
  const deadline = Date.now() + timeoutMs;
  let request = first;
  let approvalsLogged = false;
  let failures = 0;
  let lastError: CapmarketApiError | undefined;
  for (;;) {
    // finished in another state than the one waited for: whatever it reached on the way is gone
    if (TERMINAL_STATES.includes(request.state) && request.state !== waitFor) {
      throw new CapmarketRequestError(
        reached(request, waitFor)
          ? `capmarket request ${request.id} (${request.capability}) reached ${waitFor}, then ended ${request.state}: ` +
            `${endReason(request)}; running this step again returns the same request, a new task orders a new one`
          : `capmarket request ${request.id} (${request.capability}) ended ${request.state} without reaching ${waitFor}: ` +
            `${endReason(request)}${rejections(request)}`,
        request,
      );
    }
    if (reached(request, waitFor)) {
      return request;
    }
    if (request.state === 'PENDING_APPROVAL' && !approvalsLogged) {
      logger.info(`capmarket request ${request.id} waits for approval: ${awaited(request)} (see capmarket approvals)`);
      approvalsLogged = true;
    }
    // live while the state waited for is one of provisioning, which can no longer come
    const provisioningAwaited = !LIVE_STATES.includes(waitFor) && !TERMINAL_STATES.includes(waitFor);
    if (LIVE_STATES.includes(request.state) && provisioningAwaited) {
      throw new CapmarketRequestError(
        `capmarket request ${request.id} (${request.capability}) ended ${request.state} without reaching ${waitFor}: ` +
          `${request.reason ?? 'no reason given'}${rejections(request)}`,
        request,
      );
    }
    const left = deadline - Date.now();
    if (left <= 0) {
      throw new CapmarketRequestError(
        `capmarket request ${request.id} (${request.capability}) is still ${request.state} after ${Math.round(timeoutMs / 1000)}s ` +
          `waiting for ${waitFor}${request.state === 'PENDING_APPROVAL' ? `, awaiting approval: ${awaited(request)}` : ''}` +
          `${rejections(request)}${lastError ? `; its last read failed: ${lastError.message}` : ''}` +
          '; it goes on, and running this step again picks it up',
        request,
      );
    }
    signal?.throwIfAborted();
    try {
      request = await client.waitFor(request.id, waitFor, left, signal);
      failures = 0;
      lastError = undefined;
    } catch (e) {
      if (!(e instanceof CapmarketApiError) || !TRANSIENT_STATUSES.includes(e.status) || signal?.aborted) {
        throw e;
      }
      lastError = e;
      const pause = Math.min(
        e.retryAfterSeconds !== undefined ? e.retryAfterSeconds * 1000 : Math.min(FIRST_RETRY_MS * 2 ** failures, LONGEST_RETRY_MS),
        Math.max(0, deadline - Date.now()),
      );
      failures++;
      logger.warn(`capmarket request ${request.id} could not be read, reading it again in ${Math.ceil(pause / 1000)}s: ${e.message}`);
      await sleep(pause, signal);
    }
  }
}

function reached(request: Request, waitFor: RequestState): boolean {
  return request.state === waitFor || (request.history ?? []).some(step => step.state === waitFor);
}

/** Why a request ended: the detail of its last transition, into the state it is in, else its reason. */
function endReason(request: Request): string {
  const last = (request.history ?? []).at(-1);
  return (last?.state === request.state ? last.detail : null) ?? request.reason ?? 'no reason given';
}

/** The approvals a request awaits and who may give each, and until when: 'platform by role:admin, until 2026-12-05T18:00:00Z'. */
function awaited(request: Request): string {
  const open = openApprovals(request).map(approval => `${approval.source} by ${approval.approvers.join(' or ')}`);
  const until = request.approvalExpiresAt ? `, until ${request.approvalExpiresAt}` : '';
  return `${open.length ? open.join('; ') : 'none named'}${until}`;
}

/** The producers' rejections on the way, which say why a request took long or failed. */
function rejections(request: Request): string {
  const rejected = (request.history ?? []).filter(step => step.state === 'REJECTED');
  return rejected.length ? `; rejected on the way: ${rejected.map(step => step.detail ?? 'no detail').join('; ')}` : '';
}
