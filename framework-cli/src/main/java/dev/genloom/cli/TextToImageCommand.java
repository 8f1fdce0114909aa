package dev.genloom.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.genloom.api.ImageOptions;
import dev.genloom.api.TextToImage;
import dev.genloom.api.media.Image;
import dev.genloom.api.task.Tasks;
import dev.genloom.runtime.Genloom;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * Draws a prompt into PNG files: {@code out.png}, or {@code out.1.png}, {@code out.2.png}, ... for
 * {@code --count N} (image {@code i} from seed {@code seed + i - 1}). Without {@code --seed} a seed is
 * drawn and printed ({@code --json}), so that any picture can be drawn again.
 */
@Command(name = "text-to-image", description = "Draw a picture of a prompt into a PNG file.")
final class TextToImageCommand extends ModelCommand implements Callable<Integer> {
    static final OptionTable<ImageOptions> OPTIONS = sampling(OptionTable.of(Tasks.TEXT_TO_IMAGE)
            .option("width", "W", "width in pixels, a multiple of 8")
            .option("height", "H", "height in pixels, a multiple of 8")
            .option("count", "N", "pictures to draw (batched where the model allows)"));

    /**
     * The sampling options text-to-image and image-to-image share, by the record components both
     * options records have.
     */
    static <O extends Record> OptionTable<O> sampling(OptionTable<O> table) {
        return table.option("negativePrompt", "TEXT", "what the picture should not show")
                .option("steps", "N", "denoising steps (image-to-image: of a full run)")
                .option("guidanceScale", "G", "classifier-free guidance scale (1 or less: none)", "--guidance")
                .option("guidanceRescale", "R", "guidance rescale, 0..1 (v-prediction models)")
                .option("seed", "S", "noise seed (default: a random one, printed with --json)")
                .option("scheduler", "NAME", "scheduler (default: the model's): pndm, ddim, euler, euler-a, lms, "
                        + "dpm++2m, dpm++2m-karras, lcm")
                .option("previewEvery", "K", "write a preview PNG every K steps (OUT.step-KK.png)");
    }

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "FILE.png", description = "where to write the PNG")
    Path output;
    @Parameters(arity = "0..*", paramLabel = "PROMPT", description = "what to draw (none: unconditional)")
    List<String> prompt = List.of();

    @Override
    OptionTable<ImageOptions> options() {
        return OPTIONS;
    }

    @Override
    public Integer call() {
        ImageOptions options = OPTIONS.bind(spec);
        if (options.seed() == null) {
            options = options.toBuilder().seed(new SecureRandom().nextLong() & Long.MAX_VALUE).build();
        }
        int count = options.count() == null ? 1 : options.count();
        try (Genloom genloom = open()) {
            doing("loading model " + this.model);
            TextToImage model = genloom.model(this.model, TextToImage.class, family);
            doing("drawing with model " + this.model);
            List<Image> images;
            ImageSteps steps;
            try (ProgressBars.Bar bar = bars().open("steps", ProgressBars.Unit.STEPS,
                    options.steps() == null ? -1 : options.steps())) {
                steps = new ImageSteps(bar, output);
                images = model.generateImages(String.join(" ", prompt), options, steps);
            }
            List<Path> files = new ArrayList<>();
            for (int i = 0; i < images.size(); i++) {
                Path file = count == 1 ? output : ImageSteps.sibling(output, Integer.toString(i + 1));
                doing("writing " + file);
                images.get(i).writePng(file);
                files.add(file);
            }
            if (root.json()) {
                ObjectNode json = steps.json(files.get(0), options.seed(), images.get(0));
                ArrayNode list = json.putArray("files");
                files.forEach(f -> list.add(f.toString()));
                out().println(json.toPrettyString());
            } else {
                files.forEach(out()::println);
            }
            out().flush();
        }
        return 0;
    }
}
