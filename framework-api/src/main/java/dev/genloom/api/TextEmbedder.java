package dev.genloom.api;

import java.util.ArrayList;
import java.util.List;

/** A capability a model may offer beside its modality: a vector for a text. */
public interface TextEmbedder extends Model {

    Embedding embedText(String text, EmbeddingOptions options);

    default Embedding embedText(String text) {
        return embedText(text, EmbeddingOptions.defaults());
    }

    default List<Embedding> embedTexts(List<String> texts, EmbeddingOptions options) {
        List<Embedding> out = new ArrayList<>(texts.size());
        for (String t : texts) {
            out.add(embedText(t, options));
        }
        return out;
    }
}
