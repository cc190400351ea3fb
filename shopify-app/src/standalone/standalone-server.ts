import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createPassmintClient } from '@passmint/client';
import { createOrderSync, ORDER_WALLET_PAGE_HEADERS, parseShopTemplate, wantsProducts } from '@passmint/commerce';
import { createShopifyApp, type ShopifyAnswer } from '../shopify-app';
import { appScopes, type ApiVersion } from '../shopify-api';
import { createClientPassWriter } from './client-pass-writer';
import type { StandaloneEnv } from './env';
import { openStandaloneStore } from './standalone-store';

const PREFIX = '/commerce/shopify';
const MAX_BODY_BYTES = 2 * 1024 * 1024;
const WALLET_PATH = new RegExp(`^${PREFIX}/wallet/([^/]+)/([^/]+)$`);

export interface StandaloneServer {
  url: string;
  close(): Promise<void>;
}

/**
 * The Shopify app as its own process, next to a remote Passmint: passes go through the API client,
 * the order ↔ pass records stay in a SQLite file of its own. The same routes as `passmint serve`.
 */
export async function startStandalone(env: StandaloneEnv, log: (line: string) => void): Promise<StandaloneServer> {
  const store = openStandaloneStore(join(env.PASSMINT_SHOPIFY_DATA_DIR, 'shopify-app.db'), env.PASSMINT_SECRET_KEY);
  const client = createPassmintClient({ baseUrl: env.PASSMINT_URL, apiKey: env.PASSMINT_API_KEY });
  const passes = createClientPassWriter(client, env.PASSMINT_URL);
  const template = parseShopTemplate({
    shopName: env.PASSMINT_SHOPIFY_SHOP.split('.')[0]!.slice(0, 64),
    ...(env.PASSMINT_SHOPIFY_TEMPLATE ? (JSON.parse(readFileSync(env.PASSMINT_SHOPIFY_TEMPLATE, 'utf8')) as object) : {}),
  });
  let url = env.PASSMINT_SHOPIFY_APP_URL?.replace(/\/+$/, '') ?? '';
  let app: ReturnType<typeof createShopifyApp> | null = null;
  const shopifyApp = () =>
    (app ??= createShopifyApp(
      {
        apiKey: env.PASSMINT_SHOPIFY_API_KEY,
        apiSecretKey: env.PASSMINT_SHOPIFY_API_SECRET,
        shop: env.PASSMINT_SHOPIFY_SHOP,
        linkSecret: env.PASSMINT_SHOPIFY_LINK_SECRET,
        appUrl: url,
        scopes: appScopes(wantsProducts(template.tickets)),
        ...(env.PASSMINT_SHOPIFY_API_VERSION ? { apiVersion: env.PASSMINT_SHOPIFY_API_VERSION as ApiVersion } : {}),
      },
      {
        store,
        passes,
        sync: createOrderSync({ store, passes }),
        target: { tenantId: 'remote', template },
        log: (event) => log(JSON.stringify(event)),
      },
    ));

  const server = createServer((request, response) => {
    route(request, response).catch((error: unknown) => {
      log(JSON.stringify({ event: 'request.failed', path: request.url?.split('?')[0], error: (error as Error).name }));
      if (!response.headersSent)
        reply(response, {
          status: 500,
          body: { error: 'Something went wrong on our side; the request was not completed.', code: 'internal_error' },
        });
    });
  });

  async function route(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = new URL(request.url ?? '/', 'http://app').pathname;
    const query = new URL(request.url ?? '/', 'http://app').searchParams;
    if (request.method === 'GET' && path === '/healthz') return reply(response, { status: 200, body: { ok: true } });
    if (request.method === 'POST' && path === `${PREFIX}/webhooks`) {
      const rawBody = await readBody(request);
      if (!rawBody) return reply(response, { status: 413, body: { error: 'The webhook body is too large.', code: 'body_too_large' } });
      return reply(response, await shopifyApp().webhook(request, response, rawBody));
    }
    const wallet = request.method === 'GET' ? WALLET_PATH.exec(path) : null;
    if (wallet)
      return reply(
        response,
        await shopifyApp().walletLink(decodeURIComponent(wallet[1]!), decodeURIComponent(wallet[2]!), query.get('signature') ?? ''),
      );
    if (request.method === 'GET' && path === `${PREFIX}/auth`)
      return shopifyApp().beginInstall(request, response, `${PREFIX}/auth/callback`);
    if (request.method === 'GET' && path === `${PREFIX}/auth/callback`)
      return reply(response, await shopifyApp().finishInstall(request, response));
    return reply(response, { status: 404, body: { error: 'Not found.', code: 'not_found' } });
  }

  await new Promise<void>((resolve) => server.listen(env.PASSMINT_SHOPIFY_PORT, env.PASSMINT_SHOPIFY_HOST, resolve));
  const listening = `http://${env.PASSMINT_SHOPIFY_HOST}:${(server.address() as AddressInfo).port}`;
  if (!url) url = listening;
  log(`Passmint Shopify app listening on ${listening} for ${env.PASSMINT_SHOPIFY_SHOP}, passes on ${env.PASSMINT_URL}`);
  return {
    url: listening,
    close: async () => {
      await closeServer(server);
      store.close();
    },
  };
}

function reply(response: ServerResponse, answer: ShopifyAnswer): void {
  if ('location' in answer) {
    response.writeHead(302, { location: answer.location }).end();
    return;
  }
  if ('html' in answer) {
    response.writeHead(answer.status, ORDER_WALLET_PAGE_HEADERS).end(answer.html);
    return;
  }
  response.writeHead(answer.status, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(answer.body));
}

/** The raw body, or null past the limit (counted while it streams, not from Content-Length). */
async function readBody(request: IncomingMessage): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) return null;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
