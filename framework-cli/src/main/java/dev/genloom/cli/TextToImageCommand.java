package dev.genloom.cli;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.genloom.api.ImageOptions;
import dev.genloom.api.StepListener;
import dev.genloom.api.TextToImage;
import dev.genloom.api.media.Image;
import dev.genloom.api.task.Tasks;
import dev.genloom.runtime.Genloom;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "text-to-image", description = "Draw a picture of a prompt into a PNG file.")
final class TextToImageCommand extends ModelCommand implements Callable<Integer> {
    static final OptionTable<ImageOptions> OPTIONS = OptionTable.of(Tasks.TEXT_TO_IMAGE)
            .option("negativePrompt", "TEXT", "what the picture should not show")
            .option("width", "W", "width in pixels, a multiple of 8")
            .option("height", "H", "height in pixels, a multiple of 8")
            .option("steps", "N", "denoising steps")
            .option("guidanceScale", "G", "classifier-free guidance scale", "--guidance")
            .option("seed", "S", "noise seed")
            .option("scheduler", "NAME", "scheduler (default: the model's)");

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "FILE.png", description = "where to write the PNG")
    Path output;
    @Parameters(arity = "1..*", paramLabel = "PROMPT", description = "what to draw")
    List<String> prompt;

    @Override
    OptionTable<ImageOptions> options() {
        return OPTIONS;
    }

    @Override
    public Integer call() {
        ImageOptions options = OPTIONS.bind(spec);
        try (Genloom genloom = open()) {
            doing("loading model " + this.model);
            TextToImage model = genloom.model(this.model, TextToImage.class, family);
            doing("drawing with model " + this.model);
            Image image;
            try (ProgressBars.Bar bar = bars().open("steps", ProgressBars.Unit.STEPS,
                    options.steps() == null ? -1 : options.steps())) {
                image = model.generateImage(String.join(" ", prompt), options, StepListener.counting(bar::update));
            }
            doing("writing " + output);
            image.writePng(output);
            if (root.json()) {
                out().println(JsonNodeFactory.instance.objectNode().put("file", output.toString())
                        .put("width", image.width()).put("height", image.height()).toPrettyString());
            } else {
                out().println(output);
            }
            out().flush();
        }
        return 0;
    }
}
