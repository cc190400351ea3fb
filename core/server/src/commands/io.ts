import type { PassmintPlugin } from '../plugin/plugin';

export interface CliIo {
  out: { write(text: string): unknown };
  err: { write(text: string): unknown };
  env: NodeJS.ProcessEnv;
  /** The plugins the binary mounts: their variables are checked, their tables migrated. */
  plugins?: readonly PassmintPlugin[];
}
