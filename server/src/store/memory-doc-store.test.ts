// Runs the DocStore contract against the in-memory store (no reopen: nothing survives it).
import { runDocStoreContract } from './doc-store.contract'
import { createMemoryDocStore } from './memory-doc-store'

runDocStoreContract('memory', { open: async () => createMemoryDocStore() })
