package dev.genloom.zoo.fetch;

import dev.genloom.api.GenloomException;

/**
 * What to fetch.
 *
 * @param model    a catalog name ({@code whisper-tiny.en}) or a hub repository id ({@code org/name})
 * @param dtype    the dtype variant ({@code fp32}, {@code quantized}, ...), or null for the fetcher's
 *                 preferred one where the model has it, else the model's default
 * @param revision a branch, tag or commit, or null for the catalog's revision (else {@code main})
 */
public record FetchRequest(String model, String dtype, String revision) {
    public FetchRequest {
        GenloomException.require(model != null && !model.isBlank(), "no model given to fetch");
        model = model.strip();
        dtype = dtype == null || dtype.isBlank() ? null : dtype.strip();
        revision = revision == null || revision.isBlank() ? null : revision.strip();
    }

    public static FetchRequest of(String model) {
        return new FetchRequest(model, null, null);
    }

    public FetchRequest withDtype(String d) {
        return new FetchRequest(model, d, revision);
    }

    public FetchRequest withRevision(String r) {
        return new FetchRequest(model, dtype, r);
    }
}
