/** The in-memory fake the engine tests use is held to the SyncStorage contract, like the real storage. */
import { MemoryStorage } from './fakes/memory-storage';
import { syncStorageContract } from './storage-contract';

syncStorageContract('MemoryStorage (fake)', async () => {
  const storage = new MemoryStorage();
  return {
    storage,
    bytesOf: async (id) => storage.bytesOf(id),
    byteEntries: async () => storage.blobs.size,
    loseBytes: async (checksum) => storage.loseBytes(checksum),
    close: () => undefined,
  };
});
