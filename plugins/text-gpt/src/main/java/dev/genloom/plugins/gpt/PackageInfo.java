package dev.genloom.plugins.gpt;

/** Package of the text-gpt plugin (being built). */
final class PackageInfo {
    private PackageInfo() {
    }
}
