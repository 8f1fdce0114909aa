package dev.genloom.cli;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.genloom.api.ImageOptions;
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
    @Option(names = "--negative-prompt", paramLabel = "TEXT", description = "what the picture should not show")
    String negativePrompt;
    @Option(names = "--width", paramLabel = "W", description = "width in pixels, a multiple of 8")
    Integer width;
    @Option(names = "--height", paramLabel = "H", description = "height in pixels, a multiple of 8")
    Integer height;
    @Option(names = "--steps", paramLabel = "N", description = "denoising steps")
    Integer steps;
    @Option(names = "--guidance", paramLabel = "G", description = "classifier-free guidance scale")
    Double guidance;
    @Option(names = "--seed", paramLabel = "S", description = "noise seed")
    Long seed;
    @Option(names = "--scheduler", paramLabel = "NAME", description = "scheduler (default: the model's)")
    String scheduler;
    @Option(names = {"-o", "--output"}, required = true, paramLabel = "FILE.png", description = "where to write the PNG")
    Path output;
    @Parameters(arity = "1..*", paramLabel = "PROMPT", description = "what to draw")
    List<String> prompt;

    @Override
    public Integer call() {
        ImageOptions options = Tasks.TEXT_TO_IMAGE.options(given("negativePrompt", negativePrompt, "width", width,
                "height", height, "steps", steps, "guidanceScale", guidance, "seed", seed, "scheduler", scheduler));
        try (Genloom genloom = root.open()) {
            TextToImage model = genloom.model(this.model, TextToImage.class, family);
            Image image;
            try (ProgressBars bar = ProgressBars.open("steps", "step", ProgressBars.wanted(root.json()))) {
                image = model.generateImage(String.join(" ", prompt), options, bar::update);
            }
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
