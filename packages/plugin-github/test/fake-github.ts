import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request as the fake GitHub received it. */
export interface Recorded {
  method: string;
  /** Path with query string, as sent. */
  path: string;
  body: unknown;
  /** The raw body text (what a secret would be searched in). */
  raw: string;
  at: number;
  headers: IncomingMessage['headers'];
}

export interface Fault {
  method?: string;
  /** Applies to paths starting with this (without query). */
  path?: string;
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
  /** How many matching requests get this answer (default 1). */
  times?: number;
}

const DOCS = 'https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api';

/** GitHub's answers when it limits or fails a request, with the headers and messages its docs give. */
export const GITHUB_FAULTS = {
  /** A secondary rate limit: 403 with `retry-after` (seconds). */
  secondaryRateLimit: (retryAfterSeconds: number): Omit<Fault, 'method' | 'path' | 'times'> => ({
    status: 403,
    headers: { 'retry-after': String(retryAfterSeconds) },
    body: {
      message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
      documentation_url: DOCS,
    },
  }),
  /** The primary rate limit used up: 429, `x-ratelimit-remaining: 0`, reset at `resetEpochSeconds`. */
  tooManyRequests: (resetEpochSeconds: number): Omit<Fault, 'method' | 'path' | 'times'> => ({
    status: 429,
    headers: {
      'x-ratelimit-limit': '5000',
      'x-ratelimit-remaining': '0',
      'x-ratelimit-used': '5000',
      'x-ratelimit-reset': String(resetEpochSeconds),
    },
    body: { message: 'API rate limit exceeded for installation ID 1.', documentation_url: DOCS },
  }),
  /** A server error (GitHub's 502 and 503 bodies are short). */
  serverError: (status = 502): Omit<Fault, 'method' | 'path' | 'times'> => ({
    status,
    body: { message: status === 503 ? 'Service Unavailable' : 'Server Error' },
  }),
};

interface Comment {
  id: number;
  body: string;
  issue: number;
}

/**
 * A local stand-in for the GitHub REST API endpoints the plugin uses: issue comments (listed with
 * `per_page`/`page` and a Link header, as GitHub paginates), check runs, commit statuses and the
 * pull requests of a commit. Records every request; faults answer matching requests first.
 */
export class FakeGitHub {
  readonly requests: Recorded[] = [];
  readonly faults: Fault[] = [];
  readonly comments: Comment[] = [];
  /** `commit sha → pull requests` for GET /repos/{o}/{r}/commits/{sha}/pulls. */
  readonly pullsOfCommit = new Map<string, Array<{ number: number; merge_commit_sha: string }>>();
  #server: Server | undefined;
  #nextId = 1000;
  baseUrl = '';

  async start(): Promise<string> {
    this.#server = createServer((req, res) => void this.#handle(req, res));
    await new Promise<void>((resolve) => this.#server!.listen(0, '127.0.0.1', resolve));
    const { port } = this.#server.address() as AddressInfo;
    this.baseUrl = `http://127.0.0.1:${port}`;
    return this.baseUrl;
  }

  async stop(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Adds an existing comment (another user's, or an earlier run's). */
  seedComment(issue: number, body: string): number {
    const id = this.#nextId++;
    this.comments.push({ id, body, issue });
    return id;
  }

  commentsOf(issue: number): Comment[] {
    return this.comments.filter((c) => c.issue === issue);
  }

  /** Answers the next `times` requests matching `method` and `path` (a prefix) with `answer`. */
  fail(method: string, path: string, answer: Omit<Fault, 'method' | 'path' | 'times'>, times = 1): void {
    this.faults.push({ method, path, times, ...answer });
  }

  /** The requests to `path` (without query string), in order. */
  requestsTo(path: string): Recorded[] {
    return this.requests.filter((r) => r.path.replace(/\?.*$/, '') === path);
  }

  /** The requests other than GETs, as `METHOD path`. */
  writes(): string[] {
    return this.requests.filter((r) => r.method !== 'GET').map((r) => `${r.method} ${r.path}`);
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const method = req.method ?? 'GET';
    const url = new URL(req.url ?? '/', this.baseUrl);
    this.requests.push({
      method,
      path: `${url.pathname}${url.search}`,
      body: raw ? (JSON.parse(raw) as unknown) : undefined,
      raw,
      at: Date.now(),
      headers: req.headers,
    });
    const send = (status: number, body?: unknown, headers: Record<string, string> = {}): void => {
      const text = body === undefined ? '' : JSON.stringify(body);
      res.writeHead(status, {
        ...(text ? { 'content-type': 'application/json; charset=utf-8' } : {}),
        'x-ratelimit-limit': '5000',
        'x-ratelimit-remaining': '4999',
        ...headers,
      });
      res.end(text);
    };
    const fault = this.faults.find(
      (f) => (f.method ?? method) === method && url.pathname.startsWith(f.path ?? '') && (f.times ?? 1) > 0,
    );
    if (fault) {
      fault.times = (fault.times ?? 1) - 1;
      send(fault.status, fault.body ?? { message: `fault ${fault.status}` }, fault.headers);
      return;
    }
    const body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
    let m: RegExpExecArray | null;
    if ((m = /^\/repos\/[^/]+\/[^/]+\/issues\/(\d+)\/comments$/.exec(url.pathname))) {
      const issue = Number(m[1]);
      if (method === 'GET') {
        const perPage = Number(url.searchParams.get('per_page') ?? 30);
        const page = Number(url.searchParams.get('page') ?? 1);
        const all = this.commentsOf(issue);
        const pages = Math.max(1, Math.ceil(all.length / perPage));
        const link = (p: number, rel: string): string => {
          const u = new URL(url);
          u.searchParams.set('page', String(p));
          return `<${u.toString()}>; rel="${rel}"`;
        };
        const links = page < pages ? [link(page + 1, 'next'), link(pages, 'last')] : [];
        send(
          200,
          all
            .slice((page - 1) * perPage, page * perPage)
            .map((c) => ({ id: c.id, body: c.body, user: { login: 'x' } })),
          links.length > 0 ? { link: links.join(', ') } : {},
        );
        return;
      }
      if (method === 'POST') {
        const id = this.seedComment(issue, String(body['body']));
        send(201, { id, body: body['body'] });
        return;
      }
    }
    if ((m = /^\/repos\/[^/]+\/[^/]+\/issues\/comments\/(\d+)$/.exec(url.pathname))) {
      const id = Number(m[1]);
      const at = this.comments.findIndex((c) => c.id === id);
      if (at < 0) return send(404, { message: 'Not Found' });
      if (method === 'PATCH') {
        this.comments[at]!.body = String(body['body']);
        return send(200, { id, body: body['body'] });
      }
      if (method === 'DELETE') {
        this.comments.splice(at, 1);
        return send(204);
      }
    }
    if (method === 'POST' && /^\/repos\/[^/]+\/[^/]+\/check-runs$/.test(url.pathname)) {
      return send(201, { id: this.#nextId++, ...body });
    }
    if (method === 'POST' && /^\/repos\/[^/]+\/[^/]+\/statuses\/[0-9a-f]+$/.test(url.pathname)) {
      return send(201, { id: this.#nextId++, ...body });
    }
    if ((m = /^\/repos\/[^/]+\/[^/]+\/commits\/([0-9a-f]+)\/pulls$/.exec(url.pathname)) && method === 'GET') {
      return send(200, this.pullsOfCommit.get(m[1]!) ?? []);
    }
    send(404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' });
  }
}
