// A tiny HTTP server on the controller for tests whose hosts download something (get_url, apt_key, uri): lab hosts
// have no internet, but the controller has an address on the lab's public network. Serves fixed bodies by path with
// a fixed Last-Modified, answers a conditional GET (If-Modified-Since) with 304 as real servers do, 404 otherwise,
// and records each request. Closed by the returned close().
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FileServer {
  /** http://ADDRESS:PORT */
  url: string;
  requests: { method: string; path: string; headers: IncomingHttpHeaders; body: string }[];
  close(): Promise<void>;
}

/** Bodies by path ('/a.txt' → content); `handlers` answer other paths themselves (uri tests). */
export async function startFileServer(
  address: string,
  files: Record<string, string | Buffer>,
  options: { lastModified?: Date; handler?: (req: { method: string; path: string; headers: IncomingHttpHeaders; body: string }) => { status: number; headers?: Record<string, string>; body?: string } | undefined } = {},
): Promise<FileServer> {
  const lastModified = options.lastModified ?? new Date('2020-01-01T00:00:00Z');
  const requests: FileServer['requests'] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (b: Buffer) => (body += b.toString()));
    req.on('end', () => {
      const path = (req.url ?? '/').split('?')[0]!;
      const r = { method: req.method ?? 'GET', path, headers: req.headers, body };
      requests.push(r);
      const custom = options.handler?.(r);
      if (custom) {
        res.writeHead(custom.status, custom.headers ?? {});
        res.end(custom.body ?? '');
        return;
      }
      const file = Object.hasOwn(files, path) ? files[path] : undefined;
      if (file === undefined) {
        res.writeHead(404, { 'content-type': 'text/plain' });
        res.end('not found\n');
        return;
      }
      const since = req.headers['if-modified-since'];
      if (since !== undefined && !Number.isNaN(Date.parse(since)) && Date.parse(since) >= lastModified.getTime()) {
        res.writeHead(304);
        res.end();
        return;
      }
      const bytes = Buffer.from(file);
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(bytes.length), 'last-modified': lastModified.toUTCString() });
      res.end(req.method === 'HEAD' ? undefined : bytes);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, address, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${address}:${port}`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
