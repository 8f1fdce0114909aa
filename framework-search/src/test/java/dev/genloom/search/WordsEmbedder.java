package dev.genloom.search;

import dev.genloom.api.Embedding;
import dev.genloom.api.EmbeddingOptions;
import dev.genloom.api.GenloomException;
import dev.genloom.api.ModelInfo;
import dev.genloom.api.TextEmbedder;

import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

/** A stand-in model: a text's vector counts its words in hashed buckets; texts sharing words are close. */
final class WordsEmbedder implements TextEmbedder {
    final int dimension;
    final AtomicInteger embedded = new AtomicInteger();
    /** Fails on a text holding this word (null: never). */
    volatile String failOn;

    WordsEmbedder(int dimension) {
        this.dimension = dimension;
    }

    @Override
    public Embedding embedText(String text, EmbeddingOptions options) {
        if (failOn != null && text.contains(failOn)) {
            throw GenloomException.runFailed("the model failed on purpose", null);
        }
        embedded.incrementAndGet();
        float[] v = new float[dimension];
        for (String w : text.toLowerCase(Locale.ROOT).split("[^a-z0-9]+")) {
            if (w.length() > 2) {
                v[Math.floorMod(w.hashCode(), dimension)] += 1;
            }
        }
        v[dimension - 1] += 0.01f;
        return new Embedding(v).normalized();
    }

    @Override
    public List<Embedding> embedTexts(List<String> texts, EmbeddingOptions options) {
        return texts.stream().map(t -> embedText(t, options)).toList();
    }

    @Override
    public ModelInfo info() {
        return new ModelInfo("words", "test", "test", null, "cpu");
    }

    @Override
    public void close() {
    }
}
