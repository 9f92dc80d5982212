import type { FastifyInstance } from 'fastify';
import type { Config } from './config.js';
import { registerAdminRoutes } from './admin/admin-routes.js';
import { buildApp } from './app.js';
import { registerBootRoutes } from './boot/boot-routes.js';
import { createDeploymentService } from './domain/hardware/deployments.js';
import { operatorExtensions } from './operator/extensions.js';
import { startBackground } from './provision/background.js';
import { type Runtime, openRuntime } from './runtime.js';

export interface Server {
  readonly runtime: Runtime;
  readonly app: FastifyInstance;
  /** Base URL actually listened on (port 0 resolves to the real port). */
  readonly url: string;
  stop(): Promise<void>;
}

/** load config → open store → migrate → build app → listen; background work; graceful stop. */
export async function startServer(config: Config): Promise<Server> {
  const runtime = await openRuntime(config);
  const { services, log } = runtime;
  if (runtime.createdCredentials) {
    const c = runtime.createdCredentials;
    // Shown once, on purpose outside the logger: secrets never reach a log line.
    process.stdout.write(
      `edcps: created credentials for the default account (also in ${config.dataDir}/credentials.json, mode 0600)\n` +
        `  EDCPS_ACCESS_KEY_ID=${c.accessKeyId}\n  EDCPS_SECRET_ACCESS_KEY=${c.secretAccessKey}\n`,
    );
  }
  const ext = operatorExtensions(runtime);
  // Until the server listens (port 0 resolves then), machines are told the configured address.
  let listening = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${config.port}`;
  const deployments = createDeploymentService(services.deps);
  const bootRoutes = (app: FastifyInstance) =>
    registerBootRoutes(app, { deployments, bootBase: () => config.bmc.bootUrl ?? listening });
  const app = await buildApp({
    services,
    logger: log,
    signatureWindowSeconds: config.signatureWindowSeconds,
    bodyLimit: config.bodyLimit,
    now: () => Date.now(),
    // The operator API (/admin/v1) and whoami, signed with the same window as the JD API.
    extensions: [...ext.plugins, bootRoutes, (app) => registerAdminRoutes(app, runtime)],
    ...ext.hooks,
  });
  const stopBackground = startBackground(runtime);
  await app.listen({ host: config.host, port: config.port });
  const addr = app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : config.port;
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
  listening = url;
  log.info({ url, database: config.databaseUrl.replace(/\/\/[^@]*@/, '//***@') }, 'edcps listening');
  if (config.bmc.bootUrl === undefined && /^(0\.0\.0\.0|::|\[::\])$/.test(config.host)) {
    log.warn(
      { bootBase: url },
      'EDCPS_BOOT_URL is not set and the server listens on every address: driven machines would be sent to an address they cannot reach; set EDCPS_BOOT_URL',
    );
  }
  let stopped = false;
  return {
    runtime,
    app,
    url,
    async stop() {
      if (stopped) return;
      stopped = true;
      await app.close();
      await stopBackground();
      await runtime.close();
    },
  };
}
