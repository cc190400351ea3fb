export { createPassmintClient, type PassmintClient, type PassmintClientOptions } from './client';
export { PassmintApiError, PassmintNetworkError } from './errors';
export type * from './types';
