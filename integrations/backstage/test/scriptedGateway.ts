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
 * A client whose submit answers {@code submitted} (and keeps what was submitted) and whose
 * long-polls answer {@code polls} in turn, the last one for good: a view, or an error thrown. A
 * long-poll that answers no new state moves the (fake) clock by as long as a real one would have waited.
 */
export function scripted(submitted: Request, polls: Array<Request | CapmarketApiError>) {
  const waits: RequestState[] = [];
  const submissions: Submission[] = [];
  const client = {
    submit: async (submission: Submission) => {
      submissions.push(submission);
      return submitted;
    },
    waitFor: async (_id: string, state: RequestState, timeoutMs: number) => {
      waits.push(state);
      const next = polls.length > 1 ? polls.shift()! : polls[0];
      if (next instanceof CapmarketApiError) {
        throw next;
      }
      if (next.state === submitted.state) {
        jest.setSystemTime(Date.now() + Math.min(timeoutMs, LONG_POLL_CHUNK_MS));
      }
      return next;
    },
  } as unknown as CapmarketClient;
  return { client, waits, submissions };
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
