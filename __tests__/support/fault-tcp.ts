/**
 * TCP-level fault helpers on the loopback interface:
 *   startRecordingListener — a port that records every connection attempt (and its first bytes)
 *     and hangs up: "did anything try to reach the production database?";
 *   startCuttingProxy — forwards to a real server but cuts chosen connections after N bytes sent
 *     upstream: an S3 upload that dies mid-body.
 */
import * as net from 'node:net';
import type { AddressInfo } from 'node:net';

export interface RecordedConnection {
  at: number;
  remotePort: number | undefined;
  /** The first bytes the client sent (e.g. a PostgreSQL startup packet), hex. */
  firstBytes: string;
}

export interface RecordingListener {
  port: number;
  connections: RecordedConnection[];
  stop(): Promise<void>;
}

export async function startRecordingListener(): Promise<RecordingListener> {
  const connections: RecordedConnection[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    const record: RecordedConnection = { at: Date.now(), remotePort: socket.remotePort, firstBytes: '' };
    connections.push(record);
    socket.once('data', (chunk: Buffer) => {
      record.firstBytes = chunk.subarray(0, 64).toString('hex');
      socket.destroy();
    });
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
    // A client that sends nothing is still recorded; hang up after a moment.
    setTimeout(() => socket.destroy(), 200).unref();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    connections,
    async stop() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export interface CuttingProxyOptions {
  targetPort: number;
  targetHost?: string;
  /** Cut a connection once more than this many client→server bytes went through it. */
  cutAfterBytes: number;
  /** How many connections to cut at most (the first ones to pass the limit); later ones pass. Default: all. */
  maxCuts?: number;
}

export interface CuttingProxy {
  port: number;
  endpoint: string;
  stats: { connections: number; cut: number; bytesUp: number };
  stop(): Promise<void>;
}

export async function startCuttingProxy(options: CuttingProxyOptions): Promise<CuttingProxy> {
  const stats = { connections: 0, cut: 0, bytesUp: 0 };
  const sockets = new Set<net.Socket>();
  const maxCuts = options.maxCuts ?? Infinity;
  const server = net.createServer((client) => {
    stats.connections++;
    const upstream = net.connect(options.targetPort, options.targetHost ?? '127.0.0.1');
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => undefined);
      s.on('close', () => sockets.delete(s));
    }
    let sent = 0;
    client.on('data', (chunk: Buffer) => {
      if (sent + chunk.length > options.cutAfterBytes && stats.cut < maxCuts) {
        const part = chunk.subarray(0, Math.max(0, options.cutAfterBytes - sent));
        if (part.length) upstream.write(part);
        stats.bytesUp += part.length;
        stats.cut++;
        // A reset, as when a NAT or load balancer drops the flow mid-upload.
        client.resetAndDestroy();
        upstream.destroy();
        return;
      }
      sent += chunk.length;
      stats.bytesUp += chunk.length;
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => client.write(chunk));
    client.on('end', () => upstream.end());
    upstream.on('end', () => client.end());
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    endpoint: `http://127.0.0.1:${port}`,
    stats,
    async stop() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A loopback port with nothing listening (bound, then released). */
export async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
