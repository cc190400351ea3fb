export {
  PASSMINT_BIN,
  request,
  spawnServer,
  startInProcess,
  tempDataDir,
  type ApiResponse,
  type InProcessServer,
  type SpawnedServer,
} from './test-server';
