// Runs the BookDirectory contract against the in-memory directory.
import { runBookDirectoryContract } from './book-directory.contract'
import { createMemoryBookDirectory } from './memory-book-directory'

runBookDirectoryContract('memory', { open: async () => createMemoryBookDirectory() })
