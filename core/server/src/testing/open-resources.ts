/**
 * Servers a test file started and has not closed yet. A test that throws before its own cleanup
 * would otherwise leave a `passmint serve` child or a listening socket behind, and Jest (which runs
 * in band on a 2-core machine) would wait on it forever. The repository's Jest environment
 * (jest-environment.js at the root) closes whatever is still listed here once the file's hooks
 * have run. The list lives on the test file's global, so every file has its own.
 */
export interface OpenResource {
  /** What it is, for the warning printed when the environment has to close it. */
  name: string;
  /** Closes it for good (a child process is killed); resolves once nothing of it is left open. */
  close(): Promise<void>;
}

const OPEN_RESOURCES = Symbol.for('passmint.testing.openResources');

type Holder = { [OPEN_RESOURCES]?: Set<OpenResource> };

function openResources(): Set<OpenResource> {
  const holder = globalThis as Holder;
  return (holder[OPEN_RESOURCES] ??= new Set());
}

/** Lists `resource` until the returned function is called (when it was closed the ordinary way). */
export function trackOpenResource(resource: OpenResource): () => void {
  const resources = openResources();
  resources.add(resource);
  return () => resources.delete(resource);
}
