import {
  LIVE_STATES,
  openApprovals,
  Request,
  REQUEST_STATES,
  RequestState,
  TERMINAL_STATES,
} from '@capmarket/backstage-plugin-capmarket-node';
import { runStep, scripted, view as scriptedView } from '../../../test/scriptedGateway';

/**
 * capmarket:request with a request that waits for approval, against a gateway scripted in
 * memory: each long-poll answers the next view of the request, and one that answers no new state
 * moves the (fake) clock by as long as a real long-poll would have waited.
 */

const submittedAt = Date.parse('2026-12-02T18:00:00Z');

/** The scripts' request as a large database, waiting for the admins' approval (the producer's was given). */
function view(state: RequestState, changes: Partial<Request> = {}): Request {
  return scriptedView(state, {
    parameters: { size: 'large' },
    history: [{ state: 'SUBMITTED', at: '2026-12-02T18:00:00Z' }, { state: 'PENDING_APPROVAL', at: '2026-12-02T18:00:00Z' }],
    approvals: [
      { source: 'platform', approvers: ['role:admin'], approvedBy: null, approvedAt: null },
      {
        source: 'producer dba-eu',
        approvers: ['team:dba-eu'],
        approvedBy: 'bob (team dba-eu, role producer)',
        approvedAt: '2026-12-02T18:30:00Z',
      },
    ],
    approvalExpiresAt: '2026-12-05T18:00:00Z',
    ...changes,
  });
}

function approvalLines(info: jest.Mock): string[] {
  return info.mock.calls.map(call => String(call[0])).filter(line => line.includes('waits for approval'));
}

describe('capmarket:request and approvals', () => {
  beforeEach(() => {
    jest.useFakeTimers({ now: submittedAt, doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
  });

  afterEach(() => {
    jest.useRealTimers();
  });

  it('knows PENDING_APPROVAL as a state of provisioning, neither live nor terminal', () => {
    expect(REQUEST_STATES).toContain('PENDING_APPROVAL');
    expect(LIVE_STATES).not.toContain('PENDING_APPROVAL');
    expect(TERMINAL_STATES).not.toContain('PENDING_APPROVAL');
    expect(openApprovals(view('PENDING_APPROVAL')).map(a => a.source)).toEqual(['platform']);
    expect(openApprovals(view('FULFILLED', { approvals: undefined }))).toEqual([]);
  });

  it('logs who may approve, and names the approvals still awaited when the wait is up', async () => {
    const pending = view('PENDING_APPROVAL');
    const { client, waits } = scripted(pending, [pending]);
    const info = jest.fn();

    await expect(runStep(client, { timeoutSeconds: 60 }, { info })).rejects.toThrow(
      'capmarket request alpha.1 (postgres-database) is still PENDING_APPROVAL after 60s waiting for FULFILLED, awaiting approval: ' +
        'platform by role:admin, until 2026-12-05T18:00:00Z; it goes on, and running this step again picks it up',
    );
    expect(waits).toEqual(['FULFILLED', 'FULFILLED']);
    expect(approvalLines(info)).toEqual([
      'capmarket request alpha.1 waits for approval: platform by role:admin, until 2026-12-05T18:00:00Z (see capmarket approvals)',
    ]);
  });

  it('logs the approvals awaited once, however many long-polls it takes, and ends with the fulfilment', async () => {
    const pending = view('PENDING_APPROVAL');
    const fulfilled = view('FULFILLED', { outputs: { host: 'db.eu-west' }, approvalExpiresAt: null });
    const { client, waits } = scripted(pending, [pending, pending, fulfilled]);
    const info = jest.fn();

    const outputs = await runStep(client, { timeoutSeconds: 600 }, { info });

    expect(outputs).toEqual({ requestId: 'alpha.1', state: 'FULFILLED', outputs: { host: 'db.eu-west' } });
    expect(waits).toEqual(['FULFILLED', 'FULFILLED', 'FULFILLED']);
    expect(approvalLines(info)).toHaveLength(1);
  });

  it("fails the step with the approver's reason when the request is rejected", async () => {
    const rejected = view('FAILED', { reason: 'rejected by alice (team platform, role admin): large is for production teams' });
    const { client } = scripted(view('PENDING_APPROVAL'), [rejected]);

    await expect(runStep(client, { timeoutSeconds: 600 })).rejects.toThrow(
      'capmarket request alpha.1 (postgres-database) ended FAILED without reaching FULFILLED: ' +
        'rejected by alice (team platform, role admin): large is for production teams',
    );
  });

  it('ends a step that waits for PENDING_APPROVAL there', async () => {
    const { client, waits } = scripted(view('SUBMITTED', { history: [{ state: 'SUBMITTED', at: '2026-12-02T18:00:00Z' }] }), [
      view('PENDING_APPROVAL'),
    ]);

    const outputs = await runStep(client, { waitFor: 'PENDING_APPROVAL', timeoutSeconds: 600 });

    expect(outputs.state).toBe('PENDING_APPROVAL');
    expect(waits).toEqual(['PENDING_APPROVAL']);
  });
});
