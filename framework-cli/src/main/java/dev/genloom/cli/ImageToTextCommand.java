package dev.genloom.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.genloom.api.ImageText;
import dev.genloom.api.ImageToText;
import dev.genloom.api.ImageToTextOptions;
import dev.genloom.api.ScoredLabel;
import dev.genloom.api.TextRegion;
import dev.genloom.api.media.Image;
import dev.genloom.api.task.Tasks;
import dev.genloom.runtime.Genloom;
import dev.genloom.cli.io.Values;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * Captions or reads images, or scores labels. The text goes out as it is: for a model that reads text
 * (OCR), its lines in reading order, one per line; with {@code --json}, each file's text, labels and
 * text regions (quadrilateral in the image's pixels, text, confidence).
 */
@Command(name = "image-to-text", description = "Caption or read images, or score candidate labels against them.")
final class ImageToTextCommand extends ModelCommand implements Callable<Integer> {
    static final OptionTable<ImageToTextOptions> OPTIONS = OptionTable.of(Tasks.IMAGE_TO_TEXT)
            .option("labels", "LABEL", "candidate label (repeatable, or comma-separated): zero-shot classification",
                    "-l", "--label").split(",")
            .option("labelTemplate", "TEXT", "how a label becomes a text, {} for the label", "--template")
            .option("maxNewTokens", "N", "longest caption in tokens");

    @Parameters(arity = "1..*", paramLabel = "FILE", description = "images (PNG, JPEG, GIF, BMP, WebP)")
    List<Path> files;

    @Override
    OptionTable<ImageToTextOptions> options() {
        return OPTIONS;
    }

    @Override
    public Integer call() {
        ImageToTextOptions options = OPTIONS.bind(spec);
        PrintWriter out = out();
        try (Genloom genloom = open()) {
            // each image's size is checked against media.max-image-pixels before it is decoded
            List<Image> images = new ArrayList<>();
            for (Path f : files) {
                doing("reading image " + f);
                images.add(Image.read(f, genloom.config().maxImagePixels()));
            }
            doing("loading model " + this.model);
            ImageToText model = genloom.model(this.model, ImageToText.class, family);
            ArrayNode results = JsonNodeFactory.instance.arrayNode();
            for (int i = 0; i < files.size(); i++) {
                doing("describing " + files.get(i) + " with model " + this.model);
                ImageText t = model.describe(images.get(i), options);
                if (root.json()) {
                    ObjectNode o = results.addObject().put("file", files.get(i).toString()).put("text", t.text());
                    o.set("labels", Values.toJson(t.labels()));
                    ArrayNode regions = o.putArray("regions");
                    for (TextRegion r : t.regions()) {
                        regions.add(Values.toJson(r));
                    }
                } else {
                    if (files.size() > 1) {
                        out.println("==> " + files.get(i) + " <==");
                    }
                    if (t.labels().size() == 0) {
                        out.println(t.text());
                    } else {
                        for (ScoredLabel l : t.labels().ranked()) {
                            out.println(String.format(Locale.ROOT, "%.4f  %s", l.score(), l.label()));
                        }
                    }
                }
            }
            if (root.json()) {
                out.println(results.toPrettyString());
            }
            out.flush();
        }
        return 0;
    }
}
