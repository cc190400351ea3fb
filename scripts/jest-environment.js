/**
 * Jest's node environment, plus a last cleanup after each test file: servers the file started
 * through @passmint/server/testing and never closed (a test threw before its cleanup) are closed
 * here, after the file's own afterAll hooks. Jest runs in band on a 2-core machine, so a leftover
 * `passmint serve` child or listening socket would otherwise keep it from ever exiting.
 */
const { TestEnvironment } = require('jest-environment-node');

const OPEN_RESOURCES = Symbol.for('passmint.testing.openResources');
/** Per resource: closing kills a child at once, so this only bounds a server that will not close. */
const CLOSE_TIMEOUT_MS = 10_000;

class PassmintTestEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    this.testPath = context.testPath;
  }

  async teardown() {
    const leftovers = [...(this.global?.[OPEN_RESOURCES] ?? [])];
    for (const resource of leftovers) {
      process.stderr.write(`${this.testPath}: ${resource.name} was still open after the tests; closing it.\n`);
      await closeWithin(resource, CLOSE_TIMEOUT_MS);
    }
    await super.teardown();
  }
}

async function closeWithin(resource, timeoutMs) {
  let timer;
  const timeout = new Promise((resolve) => {
    timer = setTimeout(() => resolve(`did not close within ${timeoutMs} ms`), timeoutMs);
  });
  const outcome = await Promise.race([
    resource.close().then(
      () => undefined,
      (error) => `failed to close: ${error?.message ?? error}`,
    ),
    timeout,
  ]);
  clearTimeout(timer);
  if (outcome) process.stderr.write(`${resource.name} ${outcome}\n`);
}

module.exports = PassmintTestEnvironment;
