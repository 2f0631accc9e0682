// The in-memory BridgeStateStore against the shared contract.
import { createMemoryBridgeStateStore } from './memory-bridge-state-store'
import { runBridgeStateStoreContract } from './bridge-state-store.contract'

runBridgeStateStoreContract('memory', async () => ({ store: createMemoryBridgeStateStore(), dispose: async () => {} }))
