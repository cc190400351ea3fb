/** What the main thread posts to the checkpoint thread (./wal-checkpoint-thread-entry.ts). */
export type WalCheckpointRequest = { kind: 'start'; file: string; intervalMs: number } | { kind: 'stop' };
