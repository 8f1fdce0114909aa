package dev.genloom.plugins.echo;

import dev.genloom.api.Embedding;
import dev.genloom.api.EmbeddingOptions;
import dev.genloom.api.ImageEmbedder;
import dev.genloom.api.media.Image;

/** Image embedding: a colour histogram, eight bins for each of red, green and blue. */
final class EchoImageEmbedder extends EchoPart implements ImageEmbedder {

    EchoImageEmbedder(EchoSession session) {
        super(session);
    }

    @Override
    public Embedding embedImage(Image image, EmbeddingOptions options) {
        float[] histogram = new float[24];
        byte[] rgb = image.rgb();
        for (int i = 0; i < rgb.length; i++) {
            histogram[(i % 3) * 8 + ((rgb[i] & 0xff) >> 5)] += 1;
        }
        Embedding e = new Embedding(session.echo(histogram));
        return options.normalize() ? e.normalized() : e;
    }
}
