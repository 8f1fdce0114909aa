package dev.genloom.cli;

import dev.genloom.api.ImageToImage;
import dev.genloom.api.ImageToImageOptions;
import dev.genloom.api.media.Image;
import dev.genloom.api.task.Tasks;
import dev.genloom.runtime.Genloom;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * Turns a picture into another: a diffusion model redraws it after the prompt ({@code --strength},
 * {@code --mask} for inpainting), an upscaler enlarges it, a codec-only autoencoder gives its round
 * trip. Models without a text encoder take no prompt.
 */
@Command(name = "image-to-image", description = "Redraw, inpaint or upscale a picture into a PNG file.")
final class ImageToImageCommand extends ModelCommand implements Callable<Integer> {
    static final OptionTable<ImageToImageOptions> OPTIONS = TextToImageCommand.sampling(OptionTable.of(Tasks.IMAGE_TO_IMAGE)
            .option("mask", "MASK", "inpainting mask (white: redraw, black: keep), resized to the picture")
            .option("strength", "X", "how far to move from the picture, 0..1 (default 0.8; 1 with a mask)"));

    @Option(names = {"-i", "--image"}, required = true, paramLabel = "IN", description = "the picture (PNG, JPEG, ...)")
    Path image;
    @Option(names = {"-o", "--output"}, required = true, paramLabel = "FILE.png", description = "where to write the PNG")
    Path output;
    @Parameters(arity = "0..*", paramLabel = "PROMPT", description = "what the new picture should show")
    List<String> prompt = List.of();

    @Override
    OptionTable<ImageToImageOptions> options() {
        return OPTIONS;
    }

    @Override
    public Integer call() {
        ImageToImageOptions options = OPTIONS.bind(spec).toBuilder().prompt(String.join(" ", prompt)).build();
        if (options.seed() == null) {
            options = options.toBuilder().seed(new SecureRandom().nextLong() & Long.MAX_VALUE).build();
        }
        try (Genloom genloom = open()) {
            doing("reading image " + image);
            Image in = Image.read(image, genloom.config().maxImagePixels());
            doing("loading model " + this.model);
            ImageToImage model = genloom.model(this.model, ImageToImage.class, family);
            doing("turning " + image + " into a new picture with model " + this.model);
            Image result;
            ImageSteps steps;
            try (ProgressBars.Bar bar = bars().open("steps", ProgressBars.Unit.STEPS, -1)) {
                steps = new ImageSteps(bar, output);
                result = model.transformImage(in, options, steps);
            }
            doing("writing " + output);
            result.writePng(output);
            if (root.json()) {
                out().println(steps.json(output, options.seed(), result).toPrettyString());
            } else {
                out().println(output);
            }
            out().flush();
        }
        return 0;
    }
}
