import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A tiny static HTTP server on 127.0.0.1 for provider tests: path → bytes, and every path requested. */
export interface StaticServer {
  /** `http://127.0.0.1:<port>` */
  url: string;
  files: Map<string, string | Uint8Array>;
  requests: string[];
  close(): Promise<void>;
}

/** Starts a server answering GET <path> with `files.get(path)` (404 otherwise). Files can be changed later. */
export async function startStaticServer(files: Map<string, string | Uint8Array> = new Map()): Promise<StaticServer> {
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    requests.push(path);
    const body = files.get(path);
    if (body === undefined) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    const type = path.endsWith('.json') ? 'application/json' : 'text/plain';
    res.writeHead(200, { 'content-type': type }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    files,
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
