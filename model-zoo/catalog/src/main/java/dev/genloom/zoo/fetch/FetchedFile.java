package dev.genloom.zoo.fetch;

/**
 * One file of a fetched model.
 *
 * @param path       the path inside the model folder
 * @param size       its size in bytes
 * @param sha256     the SHA-256 it was verified against, or null where none was known
 * @param downloaded whether this fetch downloaded it (false: it was already in the cache)
 */
public record FetchedFile(String path, long size, String sha256, boolean downloaded) {
}
