package dev.genloom.zoo.catalog;

import dev.genloom.api.GenloomException;
import dev.genloom.spi.Dtype;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Set;
import java.util.Collections;

/**
 * A known model: where it lives on the hub and which files make it up, per dtype variant.
 *
 * @param name        the short name ({@code whisper-tiny.en}); also accepted by the fetcher
 * @param task        what it does, as a task name ({@code speech-to-text}, {@code text-to-text}, ...)
 * @param family      the name of the plugin family that loads it ({@code ModelFamily.name()}:
 *                    {@code whisper}, {@code gpt}, ...)
 * @param repository  the hub repository ({@code Xenova/whisper-tiny.en})
 * @param revision    the branch, tag or commit to fetch ({@code main} where no commit is pinned)
 * @param licence     the licence identifier as the model card gives it
 * @param description one line for people, may be empty
 * @param files       files every dtype variant needs (configuration, tokenizer)
 * @param dtypes      the dtype variants, in catalog order, each with its own files
 */
public record CatalogEntry(String name, String task, String family, String repository, String revision,
                           String licence, String description, List<CatalogFile> files,
                           Map<String, List<CatalogFile>> dtypes) {
    public CatalogEntry {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(task, "task");
        Objects.requireNonNull(family, "family");
        Objects.requireNonNull(repository, "repository");
        Objects.requireNonNull(revision, "revision");
        Objects.requireNonNull(licence, "licence");
        description = description == null ? "" : description;
        files = List.copyOf(files);
        Map<String, List<CatalogFile>> copy = new LinkedHashMap<>();
        dtypes.forEach((k, v) -> copy.put(k, List.copyOf(v)));
        dtypes = Collections.unmodifiableMap(copy);
        if (dtypes.isEmpty()) {
            throw new IllegalArgumentException("catalog entry " + name + " has no dtype variants");
        }
    }

    /** The dtype variants, in catalog order. */
    public Set<String> dtypeNames() {
        return dtypes.keySet();
    }

    /** {@code fp32} where the entry has it, else its first variant. */
    public String defaultDtype() {
        return dtypes.containsKey(Dtype.FP32.id()) ? Dtype.FP32.id() : dtypes.keySet().iterator().next();
    }

    /**
     * The files of one variant: the shared ones, then the variant's own.
     *
     * @throws GenloomException {@code INVALID_INPUT} where the entry has no such variant
     */
    public List<CatalogFile> files(String dtype) {
        List<CatalogFile> own = dtypes.get(dtype);
        if (own == null) {
            throw GenloomException.invalidInput("model " + name + " has no dtype '" + dtype + "'; it has: "
                    + String.join(", ", dtypes.keySet()));
        }
        List<CatalogFile> all = new ArrayList<>(files);
        all.addAll(own);
        return List.copyOf(all);
    }

    /** The total size of one variant, where the catalog knows the size of every file. */
    public OptionalLong totalSize(String dtype) {
        long total = 0;
        for (CatalogFile f : files(dtype)) {
            if (f.size().isEmpty()) {
                return OptionalLong.empty();
            }
            total += f.size().getAsLong();
        }
        return OptionalLong.of(total);
    }
}
