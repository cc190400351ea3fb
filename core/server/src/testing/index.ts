export {
  PASSMINT_BIN,
  request,
  spawnServer,
  startInProcess,
  tempDataDir,
  type ApiResponse,
  type InProcessServer,
  type SpawnedServer,
  type SpawnOptions,
} from './test-server';
export { floodBody, type RawAnswer } from './raw-http';
export { testOversizeFloods, type FloodedRoute } from './oversize-floods';
