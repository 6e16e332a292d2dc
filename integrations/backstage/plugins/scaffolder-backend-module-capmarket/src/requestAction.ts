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
  Submission,
  TERMINAL_STATES,
} from '@capmarket/backstage-plugin-capmarket-node';

/** The action's id, as templates name it. */
export const ACTION_ID = 'capmarket:request';
/** How long the action waits by default, and at most. */
export const DEFAULT_TIMEOUT_SECONDS = 600;
export const MAX_TIMEOUT_SECONDS = 3600;
/**
 * A submit or a long-poll that fails with one of these statuses (0: no answer) is tried again: the
 * gateway restarting, its request store being rebalanced or restored, a proxy in front of it, or a
 * rate limit. A 429 of type {@link QUOTA_EXCEEDED} is not, since time alone does not free a quota;
 * neither is any other error, which fails the step at once.
 */
export const TRANSIENT_STATUSES: readonly number[] = [0, 429, 502, 503, 504];
/** How the type of the problem the gateway answers a submit over the team's quota with ends. */
export const QUOTA_EXCEEDED = '/problems/quota-exceeded';
/** Without a Retry-After, the pause before trying again: the first, doubling up to the longest. */
export const FIRST_RETRY_MS = 1000;
export const LONGEST_RETRY_MS = 15_000;
/**
 * A submit is made at most this many times, and tried again only within this long of the first
 * one (no pause goes past it); the same Idempotency-Key each time, so it never orders twice.
 * The wait for {@code waitFor} ({@code timeoutSeconds}) starts once the gateway took the submit.
 */
export const SUBMIT_ATTEMPTS = 8;
export const SUBMIT_RETRY_MS = 60_000;

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
 * approvals still awaited. A request that reached that state once but has ended since, or is
 * DEPROVISIONING (a retried step whose resource was or is being deprovisioned meanwhile), fails the
 * step too, unless the step waits for DEPROVISIONING or DEPROVISIONED. A submit or a long-poll the
 * gateway cannot answer for a while ({@link TRANSIENT_STATUSES}) is tried again after its
 * Retry-After, or else after a backoff from {@link FIRST_RETRY_MS} to {@link LONGEST_RETRY_MS}: a
 * submit with the same Idempotency-Key, within {@link SUBMIT_ATTEMPTS} and {@link SUBMIT_RETRY_MS},
 * a long-poll never past the step's timeout; {@code sleep} makes those pauses (a timer by default).
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
      const submitted = await submit(client, sleep, { capability, version, parameters, constraints, preferences, priority, ttl }, key,
        ctx.logger, ctx.signal);
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
 * Submits under {@code key}, trying a transient failure again with the same key (the gateway then
 * answers the request the first try made, if it made one) up to {@link SUBMIT_ATTEMPTS} times
 * within {@link SUBMIT_RETRY_MS}.
 */
async function submit(
  client: CapmarketClient,
  sleep: Sleep,
  submission: Submission,
  key: string,
  logger: { warn(message: string): void },
  signal?: AbortSignal,
): Promise<Request> {
  const started = Date.now();
  const outcome = await retrying(() => client.submit(submission, key), {
    sleep,
    deadline: started + SUBMIT_RETRY_MS,
    attempts: SUBMIT_ATTEMPTS,
    signal,
    warn: (pause, attempt, e) => logger.warn(
      `capmarket request for ${submission.capability} could not be submitted, submitting it again with Idempotency-Key ${key} ` +
        `in ${Math.ceil(pause / 1000)}s (attempt ${attempt + 1} of at most ${SUBMIT_ATTEMPTS}): ${e.message}`,
    ),
  });
  if ('answer' in outcome) {
    return outcome.answer;
  }
  const { failure, attempts } = outcome;
  throw new CapmarketApiError(
    `capmarket request for ${submission.capability} could not be submitted: ${attempts} attempts with Idempotency-Key ${key} ` +
      `failed over ${Math.round((Date.now() - started) / 1000)}s (at most ${SUBMIT_ATTEMPTS} within ${SUBMIT_RETRY_MS / 1000}s), ` +
      `the last with: ${failure.message}; running this step again submits with the same key and never orders twice`,
    failure.status,
    failure.problemType,
    failure.errors,
    failure.retryAfterSeconds,
  );
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
  let lastError: CapmarketApiError | undefined;
  for (;;) {
    // finished, or being deprovisioned, in another state than the one waited for: whatever it reached on the way is gone
    if (ending(request.state, waitFor)) {
      const ended = request.state === 'DEPROVISIONING'
        ? 'went DEPROVISIONING (its resource is being torn down and the request can only end DEPROVISIONED)'
        : `ended ${request.state}`;
      throw new CapmarketRequestError(
        reached(request, waitFor)
          ? `capmarket request ${request.id} (${request.capability}) reached ${waitFor}, then ${ended}: ` +
            `${endReason(request)}; running this step again returns the same request, a new task orders a new one`
          : `capmarket request ${request.id} (${request.capability}) ${ended} without reaching ${waitFor}: ` +
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
    const id = request.id;
    const outcome = await retrying(() => client.waitFor(id, waitFor, Math.max(0, deadline - Date.now()), signal), {
      sleep,
      deadline,
      signal,
      warn: (pause, _attempt, e) =>
        logger.warn(`capmarket request ${id} could not be read, reading it again in ${Math.ceil(pause / 1000)}s: ${e.message}`),
    });
    if ('answer' in outcome) {
      request = outcome.answer;
      lastError = undefined;
    } else {
      lastError = outcome.failure;
    }
  }
}

/**
 * Whether a request in {@code state} will never be in or past {@code waitFor} if it is not now: it
 * has finished in another state, or is DEPROVISIONING, which only ever ends DEPROVISIONED.
 */
function ending(state: RequestState, waitFor: RequestState): boolean {
  if (state === 'DEPROVISIONING') {
    return waitFor !== 'DEPROVISIONING' && waitFor !== 'DEPROVISIONED';
  }
  return TERMINAL_STATES.includes(state) && state !== waitFor;
}

/** Whether time may fix what failed: no answer or a status of {@link TRANSIENT_STATUSES}, but not a quota reached. */
function transient(e: unknown): e is CapmarketApiError {
  return e instanceof CapmarketApiError && TRANSIENT_STATUSES.includes(e.status) && !(e.problemType ?? '').endsWith(QUOTA_EXCEEDED);
}

type Retry = {
  sleep: Sleep;
  /** No pause goes past it, and a call that fails once it has passed is not tried again. */
  deadline: number;
  /** At most this many calls; unbounded (but for the deadline) when left out. */
  attempts?: number;
  signal?: AbortSignal;
  /** Told of each pause before it is made, with the number of the call that failed. */
  warn(pauseMs: number, attempt: number, e: CapmarketApiError): void;
};

/**
 * Makes {@code call} until it answers: a {@link transient} failure is tried again after its
 * Retry-After, or else after a backoff from {@link FIRST_RETRY_MS} doubling to
 * {@link LONGEST_RETRY_MS}, each pause cut short at the deadline, while the deadline has not passed
 * and the attempts allow; then the last failure and the number of calls made are returned. Any
 * other error, and any once the signal is aborted, is thrown.
 */
async function retrying<T>(call: () => Promise<T>, retry: Retry): Promise<{ answer: T } | { failure: CapmarketApiError; attempts: number }> {
  for (let attempt = 1; ; attempt++) {
    retry.signal?.throwIfAborted();
    try {
      return { answer: await call() };
    } catch (e) {
      if (!transient(e) || retry.signal?.aborted) {
        throw e;
      }
      const left = retry.deadline - Date.now();
      if (left <= 0 || attempt >= (retry.attempts ?? Infinity)) {
        return { failure: e, attempts: attempt };
      }
      const backoff = Math.min(FIRST_RETRY_MS * 2 ** (attempt - 1), LONGEST_RETRY_MS);
      const pause = Math.min(e.retryAfterSeconds !== undefined ? e.retryAfterSeconds * 1000 : backoff, left);
      retry.warn(pause, attempt, e);
      await retry.sleep(pause, retry.signal);
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
