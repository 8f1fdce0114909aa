package dev.genloom.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.genloom.api.Embedding;
import dev.genloom.api.EmbeddingOptions;
import dev.genloom.api.GenloomException;
import dev.genloom.api.ImageEmbedder;
import dev.genloom.api.TextEmbedder;
import dev.genloom.api.media.Image;
import dev.genloom.api.task.Tasks;
import dev.genloom.runtime.Genloom;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code genloom embed}: the vectors of texts (batched through {@link TextEmbedder#embedTexts}) or
 * of images ({@link ImageEmbedder}), one line of numbers each, or with {@code --json} the vectors
 * with their dimension and whether a text was truncated.
 */
@Command(name = "embed", description = "Print the embedding vectors of texts, or of images with --image.")
final class EmbedCommand extends ModelCommand implements Callable<Integer> {
    static final OptionTable<EmbeddingOptions> OPTIONS = OptionTable.of(Tasks.TEXT_EMBEDDING)
            .option("kind", "KIND", "what the texts are for: text, query or passage (the model's prefixes, "
                    + "E5 and BGE style)")
            .option("prefix", "TEXT", "put before each text instead of the model's prefix")
            .option("normalize", "", "unit-length vectors (default; --no-normalize for the model's own)");

    @Option(names = "--image", paramLabel = "FILE", arity = "1..*", description = "embed these images instead of texts")
    List<Path> images;

    @Parameters(arity = "0..*", paramLabel = "TEXT", description = "texts to embed, one vector each")
    List<String> texts;

    @Override
    OptionTable<EmbeddingOptions> options() {
        return OPTIONS;
    }

    @Override
    public Integer call() {
        EmbeddingOptions options = OPTIONS.bind(spec);
        boolean hasTexts = texts != null && !texts.isEmpty();
        boolean hasImages = images != null && !images.isEmpty();
        if (hasTexts == hasImages) {
            throw GenloomException.invalidInput(hasTexts ? "give texts or --image files, not both"
                    : "nothing to embed", "genloom embed --model MODEL TEXT... or genloom embed --model MODEL --image FILE...");
        }
        try (Genloom genloom = root.open()) {
            List<String> labels = new ArrayList<>();
            List<Embedding> vectors;
            if (hasImages) {
                List<Image> read = new ArrayList<>();
                for (Path f : images) {
                    doing("reading image " + f);
                    read.add(Image.read(f, genloom.config().maxImagePixels()));
                    labels.add(f.toString());
                }
                doing("loading model " + this.model);
                ImageEmbedder m = genloom.model(this.model, ImageEmbedder.class, family);
                vectors = new ArrayList<>();
                for (int i = 0; i < read.size(); i++) {
                    doing("embedding " + images.get(i) + " with model " + this.model);
                    vectors.add(m.embedImage(read.get(i), options));
                }
            } else {
                doing("loading model " + this.model);
                TextEmbedder m = genloom.model(this.model, TextEmbedder.class, family);
                doing("embedding " + texts.size() + " text(s) with model " + this.model);
                vectors = m.embedTexts(texts, options);
                labels.addAll(texts);
            }
            print(labels, vectors, hasImages);
        }
        return 0;
    }

    private void print(List<String> labels, List<Embedding> vectors, boolean images) {
        PrintWriter out = out();
        if (root.json()) {
            ObjectNode o = JsonNodeFactory.instance.objectNode().put("model", model)
                    .put("dimension", vectors.get(0).dimension());
            ArrayNode all = o.putArray("embeddings");
            for (int i = 0; i < vectors.size(); i++) {
                ObjectNode e = all.addObject().put(images ? "file" : "text", labels.get(i))
                        .put("truncated", vectors.get(i).truncated());
                ArrayNode v = e.putArray("vector");
                for (float x : vectors.get(i).vector()) {
                    v.add(x);
                }
            }
            out.println(o.toPrettyString());
        } else {
            for (int i = 0; i < vectors.size(); i++) {
                if (vectors.get(i).truncated()) {
                    err().println("genloom: text " + (i + 1) + " is longer than model " + model
                            + " takes: its vector is that of its first tokens");
                }
                StringBuilder b = new StringBuilder();
                for (float x : vectors.get(i).vector()) {
                    b.append(b.length() == 0 ? "" : " ").append(x);
                }
                out.println(b);
            }
            err().flush();
        }
        out.flush();
    }
}
