// The memory LocalStore against the shared contract.
import { runLocalStoreContract } from './local-store.contract'
import { createMemoryStore } from './memory-local-store'

runLocalStoreContract('memory', () => createMemoryStore())
