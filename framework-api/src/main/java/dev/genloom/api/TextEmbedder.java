package dev.genloom.api;

import java.util.ArrayList;
import java.util.List;

/** A capability a model may offer beside its modality: a vector for a text. */
public interface TextEmbedder extends Model {

    /** The vector of a text. */
    Embedding embedText(String text, EmbeddingOptions options);

    /** The vector of a text, normalized. */
    default Embedding embedText(String text) {
        return embedText(text, EmbeddingOptions.defaults());
    }

    /** The vectors of several texts, in order; models that batch on the device override this. */
    default List<Embedding> embedTexts(List<String> texts, EmbeddingOptions options) {
        List<Embedding> out = new ArrayList<>(texts.size());
        for (String t : texts) {
            out.add(embedText(t, options));
        }
        return out;
    }
}
