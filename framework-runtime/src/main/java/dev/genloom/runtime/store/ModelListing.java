package dev.genloom.runtime.store;

import dev.genloom.runtime.plugins.LoadedFamily;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One model folder found in the model directories, and what loads it.
 *
 * @param name      its name relative to its model directory, '/'-separated ({@code openai/whisper-tiny})
 * @param path      the folder
 * @param modelDir  the model directory it was found in
 * @param status    whether a family loads it, and if not, why not
 * @param family    the family that loads it, where {@code status} is {@link Status#RESOLVED}
 * @param detail    the family's reason where resolved, else what is wrong and what to do
 * @param claimants the families that recognise it (two or more where {@link Status#AMBIGUOUS})
 * @param shadowed  whether a model of the same name in an earlier model directory is the one that
 *                  resolves by this name
 */
public record ModelListing(String name, Path path, Path modelDir, Status status, LoadedFamily family,
                           String detail, List<Claimant> claimants, boolean shadowed) {

    /** Whether, and why not, a model folder resolves to a family. */
    public enum Status {
        /** One family loads it. */
        RESOLVED,
        /** No installed family recognises it. */
        NO_FAMILY,
        /** Several families recognise it and none was named. */
        AMBIGUOUS,
        /** Its {@code genloom-model.yaml} names a family that is not installed. */
        UNKNOWN_FAMILY,
        /** A file of it cannot be read or parsed ({@code config.json}, {@code genloom-model.yaml}). */
        BROKEN
    }

    public ModelListing {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(modelDir, "modelDir");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(detail, "detail");
        claimants = List.copyOf(claimants);
        if ((status == Status.RESOLVED) != (family != null)) {
            throw new IllegalArgumentException("a family is given exactly when the status is RESOLVED");
        }
    }

    /** The family that loads it, if one does. */
    public Optional<LoadedFamily> resolvedFamily() {
        return Optional.ofNullable(family);
    }
}
