/**
 * The capmarket gateway's HTTP API, as the Backstage modules use it: the catalog, the request
 * list, submitting a request and long-polling it. One instance per gateway and token; it holds
 * no state of its own, so it is safe to share.
 */

/** A capability version in the gateway's catalog. */
export type CapabilityVersion = {
  version: number;
  parameterSchema: unknown;
  outputSchema: unknown;
  deprecated: boolean;
  sunset: string | null;
  /** The owner of the version's contract: the producer the admins handed it to, else the one whose offer set its schemas. */
  contractOwner?: string | null;
};

/** An offer of a capability by one producer. */
export type Offer = {
  offerId: string;
  producerId: string;
  version: number;
  status: string;
  attributes: Record<string, string>;
  capacity: number;
  leadTimeSloMs: number;
};

/** A catalog entry: {@code GET /v1/capabilities/{name}}. */
export type Capability = {
  name: string;
  description: string;
  versions: CapabilityVersion[];
  offers: Offer[];
  updatedAt: string;
};

/** A request and its status: {@code GET /v1/requests/{id}}. */
export type Request = {
  id: string;
  team: string;
  capability: string;
  version: number;
  parameters: Record<string, unknown>;
  state: RequestState;
  offerId: string | null;
  producerId: string | null;
  attempt: number;
  outputs: Record<string, string>;
  reason: string | null;
  submittedAt: string;
  updatedAt: string;
  history: { state: RequestState; at: string; detail?: string | null }[];
  /**
   * The approvals the request waits or waited for, one per approval policy that applied to it when
   * it was submitted; empty (or missing, from a gateway without approvals) when none applied.
   */
  approvals?: Approval[];
  /** While PENDING_APPROVAL: when the request fails unless every approval was given (ISO-8601); else null. */
  approvalExpiresAt?: string | null;
};

/**
 * One approval a request waits or waited for: a policy that applied to it and, once given, who
 * gave it. A request is matched only when every one of its approvals is given.
 */
export type Approval = {
  /** Whose policy it is: 'platform' (the admins' policy of the capability version) or 'producer <producerId>'. */
  source: string;
  /** Who may give it, any one of them: 'role:<role>' or 'team:<team>'. */
  approvers: string[];
  /** Who gave it, e.g. 'alice (team platform, role admin)'; null while it is open. */
  approvedBy: string | null;
  /** When it was given (ISO-8601); null while it is open. */
  approvedAt: string | null;
};

/** The approvals of a request not given: while it is PENDING_APPROVAL, those it still waits for. */
export function openApprovals(request: Request): Approval[] {
  return (request.approvals ?? []).filter(approval => !approval.approvedBy && !approval.approvedAt);
}

/** A request's lifecycle states, as the gateway's openapi.json lists them. */
export const REQUEST_STATES = [
  'SUBMITTED',
  'WAITING',
  'MATCHED',
  'REJECTED',
  'ACCEPTED',
  'IN_PROGRESS',
  'FULFILLED',
  'FAILED',
  'CANCELLED',
  'UPDATING',
  'DEPROVISIONING',
  'DEPROVISIONED',
  'PENDING_APPROVAL',
] as const;

export type RequestState = (typeof REQUEST_STATES)[number];

/** The states a request never leaves. */
export const TERMINAL_STATES: readonly RequestState[] = ['DEPROVISIONED', 'FAILED', 'CANCELLED'];

/**
 * The states of a live resource: FULFILLED, its resting state, and the operations on it. Every
 * other state that is not terminal, PENDING_APPROVAL included, is one of provisioning.
 */
export const LIVE_STATES: readonly RequestState[] = ['FULFILLED', 'UPDATING', 'DEPROVISIONING'];

/** What a submission asks for (the body of {@code POST /v1/requests}). */
export type Submission = {
  capability: string;
  version: number;
  parameters: Record<string, unknown>;
  constraints?: Record<string, string[]>;
  /** Attribute -> preferred value: matching favours offers that have it. */
  preferences?: Record<string, string>;
  priority?: string;
  /** How long the resource lives once FULFILLED, like 7d, 12h or PT36H; as long as the offer allows when left out. */
  ttl?: string;
};

/** One field a problem response names. */
export type FieldError = { field: string; value?: string | null; rule: string };

/**
 * The gateway answered with an error: its status (0 when it gave no answer), where the body was a
 * problem document (application/problem+json) its type, detail and the fields it names, and the
 * seconds its Retry-After asked the caller to wait before trying again, when it gave one.
 */
export class CapmarketApiError extends Error {
  readonly name = 'CapmarketApiError';

  constructor(
    message: string,
    readonly status: number,
    readonly problemType: string | undefined,
    readonly errors: FieldError[],
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}

/** How to reach the gateway. */
export type CapmarketClientOptions = {
  /** The gateway's base URL, e.g. http://127.0.0.1:8080 (no /v1). */
  baseUrl: string;
  /** A bearer token the gateway knows: its team is the team requests are made for. */
  token: string;
  /** How long one HTTP call may take, long-polls aside; default 30 s. */
  requestTimeoutMs?: number;
  /** At most this many pages of a list are read; default 200. */
  maxPages?: number;
};

const PAGE_SIZE = 500;
/** A long-poll asks the gateway for at most this long (its default long-poll.max-timeout is 60 s). */
export const LONG_POLL_CHUNK_MS = 30_000;

export class CapmarketClient {
  private readonly baseUrl: string;
  private readonly token: string;
  private readonly requestTimeoutMs: number;
  private readonly maxPages: number;

  constructor(options: CapmarketClientOptions) {
    let url: URL;
    try {
      url = new URL(options.baseUrl);
    } catch {
      throw new TypeError(`capmarket.baseUrl must be an http(s) URL, but was '${options.baseUrl}'`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new TypeError(`capmarket.baseUrl must be an http(s) URL, but was '${options.baseUrl}'`);
    }
    if (!options.token || /\s/.test(options.token)) {
      throw new TypeError('capmarket.token must be a non-empty bearer token without whitespace');
    }
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.token = options.token;
    this.requestTimeoutMs = positive('requestTimeoutMs', options.requestTimeoutMs ?? 30_000);
    this.maxPages = positive('maxPages', options.maxPages ?? 200);
  }

  /** The gateway's base URL, without a trailing slash. */
  get url(): string {
    return this.baseUrl;
  }

  /** Every capability in the catalog, page by page. */
  async capabilities(): Promise<Capability[]> {
    return this.all<Capability>('/v1/capabilities', {});
  }

  /** One capability. */
  async capability(name: string): Promise<Capability> {
    return this.call<Capability>('GET', `/v1/capabilities/${encodeURIComponent(name)}`);
  }

  /**
   * Requests in a state: the token's team's, or every team's for an admin token.
   */
  async requests(state: RequestState): Promise<Request[]> {
    return this.all<Request>('/v1/requests', { state });
  }

  /**
   * Submits a request under an Idempotency-Key: the same key from the same team returns the
   * request it made first (and a 409 names the fields when the body differs).
   */
  async submit(submission: Submission, idempotencyKey: string): Promise<Request> {
    return this.call<Request>('POST', '/v1/requests', submission, { 'Idempotency-Key': idempotencyKey });
  }

  /**
   * The request once it is in {@code state} or has passed through it, or is finished, or when
   * {@code timeoutMs} is up (the current state then); one long-poll of at most
   * {@link LONG_POLL_CHUNK_MS}.
   */
  async waitFor(id: string, state: RequestState, timeoutMs: number, signal?: AbortSignal): Promise<Request> {
    const wait = Math.max(0, Math.min(timeoutMs, LONG_POLL_CHUNK_MS));
    const path = `/v1/requests/${encodeURIComponent(id)}?waitFor=${state}&timeout=${Math.ceil(wait / 1000)}s`;
    return this.call<Request>('GET', path, undefined, {}, wait, signal);
  }

  private async all<T>(path: string, query: Record<string, string>): Promise<T[]> {
    const items: T[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < this.maxPages; page++) {
      const params = new URLSearchParams({ ...query, limit: String(PAGE_SIZE) });
      if (cursor) {
        params.set('cursor', cursor);
      }
      const answer = await this.call<{ items: T[]; next: string | null }>('GET', `${path}?${params}`);
      items.push(...answer.items);
      cursor = answer.next;
      if (!cursor) {
        return items;
      }
    }
    throw new CapmarketApiError(
      `${path} has more than ${this.maxPages} pages of ${PAGE_SIZE}; raise maxPages to read it all`,
      0,
      undefined,
      [],
    );
  }

  private async call<T>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
    extraMs = 0,
    signal?: AbortSignal,
  ): Promise<T> {
    const timeout = AbortSignal.timeout(this.requestTimeoutMs + extraMs);
    let response: Response;
    try {
      response = await fetch(this.baseUrl + path, {
        method,
        headers: {
          Authorization: `Bearer ${this.token}`,
          Accept: 'application/json',
          ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
          ...headers,
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: signal ? AbortSignal.any([timeout, signal]) : timeout,
      });
    } catch (e) {
      throw new CapmarketApiError(`${method} ${this.baseUrl}${path} failed: ${describe(e)}`, 0, undefined, []);
    }
    const text = await response.text();
    if (!response.ok) {
      throw problem(method, path, response.status, text, retryAfter(response.headers.get('Retry-After')));
    }
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new CapmarketApiError(
        `${method} ${path} answered ${response.status} with a body that is not JSON: ${text.slice(0, 200)}`,
        response.status,
        undefined,
        [],
      );
    }
  }
}

function problem(method: string, path: string, status: number, text: string, retryAfterSeconds?: number): CapmarketApiError {
  let parsed: { type?: string; detail?: string; title?: string; errors?: FieldError[] } = {};
  try {
    parsed = JSON.parse(text);
  } catch {
    // not a problem document: the status and the start of the body say what there is
  }
  const errors = Array.isArray(parsed.errors) ? parsed.errors : [];
  const fields = errors.map(e => `${e.field}: ${e.rule}`).join('; ');
  const detail = parsed.detail ?? parsed.title ?? text.slice(0, 200);
  return new CapmarketApiError(
    `${method} ${path} answered ${status}: ${detail}${fields ? ` (${fields})` : ''}`,
    status,
    parsed.type,
    errors,
    retryAfterSeconds,
  );
}

/** A Retry-After header in seconds: given as seconds, or as an HTTP date (the seconds until then); undefined when absent or unreadable. */
function retryAfter(header: string | null): number | undefined {
  const value = header?.trim();
  if (!value) {
    return undefined;
  }
  if (/^\d+$/.test(value)) {
    return Number(value);
  }
  const at = /[a-z]/i.test(value) ? Date.parse(value) : NaN;
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - Date.now()) / 1000));
}

function positive(name: string, value: number): number {
  if (!Number.isInteger(value) || value <= 0) {
    throw new TypeError(`${name} must be a positive integer, but was ${value}`);
  }
  return value;
}

function describe(e: unknown): string {
  if (e instanceof Error) {
    const cause = (e as { cause?: unknown }).cause;
    return cause instanceof Error ? `${e.message} (${cause.message})` : e.message;
  }
  return String(e);
}
