package dev.genloom.zoo.fetch;

/** A file to fetch: its path in the repository, its size (-1 unknown), its SHA-256 (null unknown). */
record RemoteFile(String path, long size, String sha256) {
}
