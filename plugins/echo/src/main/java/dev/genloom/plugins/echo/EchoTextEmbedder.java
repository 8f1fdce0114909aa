package dev.genloom.plugins.echo;

import dev.genloom.api.Embedding;
import dev.genloom.api.EmbeddingOptions;
import dev.genloom.api.GenloomException;
import dev.genloom.api.TextEmbedder;

import java.util.Locale;

/** Text embedding: counts of the text's character trigrams, hashed into 64 dimensions. */
final class EchoTextEmbedder extends EchoPart implements TextEmbedder {
    private static final int DIMENSION = 64;

    EchoTextEmbedder(EchoSession session) {
        super(session);
    }

    @Override
    public Embedding embedText(String text, EmbeddingOptions options) {
        GenloomException.require(text != null && !text.isEmpty(), "the text to embed is empty");
        session.work(text);
        float[] v = new float[DIMENSION];
        String padded = "  " + text.toLowerCase(Locale.ROOT) + "  ";
        for (int i = 0; i + 3 <= padded.length(); i++) {
            v[Math.floorMod(padded.substring(i, i + 3).hashCode(), DIMENSION)] += 1;
        }
        Embedding e = new Embedding(session.echo(v));
        return options.normalize() ? e.normalized() : e;
    }
}
