import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import {
  CapmarketApiError,
  CapmarketClient,
  LONG_POLL_CHUNK_MS,
  Request,
  RequestState,
  Submission,
} from '@capmarket/backstage-plugin-capmarket-node';
import { createCapmarketRequestAction } from '../plugins/scaffolder-backend-module-capmarket/src/requestAction';

/**
 * A client whose submit answers {@code submitted}, or each of {@code submitted} in turn, the last
 * one for good (a view, or an error thrown), and keeps what was submitted under which
 * Idempotency-Key; its long-polls answer {@code polls} in the same way. A long-poll that answers
 * no new state (the one of the view answered last) moves the (fake) clock by as long as a real one
 * would have waited.
 */
export function scripted(submitted: Request | Array<Request | CapmarketApiError>, polls: Array<Request | CapmarketApiError>) {
  const waits: RequestState[] = [];
  const submissions: Submission[] = [];
  const keys: string[] = [];
  const submits = Array.isArray(submitted) ? submitted : [submitted];
  let last: Request | undefined;
  const client = {
    submit: async (submission: Submission, idempotencyKey: string) => {
      submissions.push(submission);
      keys.push(idempotencyKey);
      last = next(submits);
      return last;
    },
    waitFor: async (_id: string, state: RequestState, timeoutMs: number) => {
      waits.push(state);
      const answer = next(polls);
      if (answer.state === last?.state) {
        jest.setSystemTime(Date.now() + Math.min(timeoutMs, LONG_POLL_CHUNK_MS));
      }
      last = answer;
      return answer;
    },
  } as unknown as CapmarketClient;
  return { client, waits, submissions, keys };
}

/**
 * A view of the scripts' one request, alpha.1, a small postgres-database submitted at 18:00 and
 * waiting, in {@code state}, with {@code changes} over it.
 */
export function view(state: RequestState, changes: Partial<Request> = {}): Request {
  return {
    id: 'alpha.1',
    team: 'demo-app',
    capability: 'postgres-database',
    version: 1,
    parameters: { size: 'small' },
    state,
    offerId: null,
    producerId: null,
    attempt: 0,
    outputs: {},
    reason: null,
    submittedAt: '2026-12-02T18:00:00Z',
    updatedAt: '2026-12-02T18:00:00Z',
    history: [{ state: 'SUBMITTED', at: '2026-12-02T18:00:00Z' }, { state: 'WAITING', at: '2026-12-02T18:00:00Z' }],
    ...changes,
  };
}

/** The next answer of a script, the last one for good: a view, or an error thrown. */
function next(script: Array<Request | CapmarketApiError>): Request {
  const answer = script.length > 1 ? script.shift()! : script[0];
  if (answer instanceof CapmarketApiError) {
    throw answer;
  }
  return answer;
}

/** A pause that moves the fake clock instead of waiting, and keeps how long each was. */
export function recordedSleep() {
  const pauses: number[] = [];
  const sleep = async (ms: number) => {
    pauses.push(ms);
    jest.setSystemTime(Date.now() + ms);
  };
  return { sleep, pauses };
}

/**
 * Runs capmarket:request as the scaffolder would for one step, with its pauses moving the fake
 * clock unless {@code sleep} is given; {@code info} and {@code warn} receive what it logs.
 */
export async function runStep(
  client: CapmarketClient,
  input: Record<string, unknown>,
  options: { sleep?: (ms: number, signal?: AbortSignal) => Promise<void>; info?: jest.Mock; warn?: jest.Mock; signal?: AbortSignal } = {},
) {
  const logger = { info: options.info ?? jest.fn(), warn: options.warn ?? jest.fn(), error: jest.fn(), debug: jest.fn(), child: () => logger };
  const ctx = createMockActionContext({ input: { capability: 'postgres-database', version: 1, ...input } as any, logger: logger as any });
  const action = createCapmarketRequestAction({ client, sleep: options.sleep ?? recordedSleep().sleep });
  await action.handler({ ...ctx, signal: options.signal } as any);
  const outputs: Record<string, unknown> = {};
  for (const [name, value] of (ctx.output as jest.Mock).mock.calls) {
    outputs[name] = value;
  }
  return outputs;
}
