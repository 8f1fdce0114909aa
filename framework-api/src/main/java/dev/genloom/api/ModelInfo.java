package dev.genloom.api;

import java.nio.file.Path;

/**
 * Describes a loaded model.
 *
 * @param name   the name it was asked for by (a catalog name, a folder name or a path)
 * @param family the model family that loaded it (for example {@code gpt2}, {@code whisper})
 * @param plugin the id of the plugin that holds the family ({@code classpath} for one found on
 *               the class path)
 * @param folder the model folder
 * @param device where it runs, as {@code cpu} or {@code cuda:N}
 */
public record ModelInfo(String name, String family, String plugin, Path folder, String device) {
}
