/**
 * An HTTP front for the GitHub stand-in that injects failures: matching requests are answered with
 * a chosen status and headers (502, 503, a rate limit) a number of times, everything else is
 * forwarded unchanged. It records what it injected, so a test can tell a retry from a give-up.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FaultRule {
  method: string;
  /** Matched against the request path (no query). */
  path: RegExp;
  status: number;
  /** Headers of the injected answer; a function is evaluated per answer (e.g. a reset time). */
  headers?: Record<string, string> | (() => Record<string, string>);
  body?: unknown;
  /** How many matching requests get the fault; later ones pass. Default: all. */
  times?: number;
}

export interface InjectedFault {
  method: string;
  path: string;
  status: number;
}

export interface FaultyHttpFront {
  url: string;
  injected: InjectedFault[];
  forwarded: number;
  stop(): Promise<void>;
}

export async function startFaultyHttpFront(targetUrl: string, rules: FaultRule[]): Promise<FaultyHttpFront> {
  const target = new URL(targetUrl);
  const used = rules.map(() => 0);
  const front: FaultyHttpFront = { url: '', injected: [], forwarded: 0, stop: async () => undefined };
  const server = http.createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const index = rules.findIndex((r, i) => r.method === req.method && r.path.test(path) && used[i] < (r.times ?? Infinity));
    if (index >= 0) {
      const rule = rules[index];
      used[index]++;
      front.injected.push({ method: req.method!, path, status: rule.status });
      req.resume();
      const headers = typeof rule.headers === 'function' ? rule.headers() : rule.headers ?? {};
      res.writeHead(rule.status, { 'content-type': 'application/json; charset=utf-8', ...headers });
      res.end(JSON.stringify(rule.body ?? { message: `injected ${rule.status}` }));
      return;
    }
    front.forwarded++;
    const upstream = http.request(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: { ...req.headers, host: target.host } },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => {
      res.writeHead(502);
      res.end();
    });
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  front.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  front.stop = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return front;
}
