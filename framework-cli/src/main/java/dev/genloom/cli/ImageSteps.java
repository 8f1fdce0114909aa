package dev.genloom.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.genloom.api.DenoisingStep;
import dev.genloom.api.StepListener;
import dev.genloom.api.media.Image;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What {@code text-to-image} and {@code image-to-image} do with each denoising step: move the bar
 * (with seconds per step), write each preview next to the output ({@code out.step-05.png}), and
 * keep the time each part of the model took for {@code --json}.
 */
final class ImageSteps implements StepListener {
    private final ProgressBars.Bar bar;
    private final Path output;
    private final List<Path> previews = new ArrayList<>();
    private final Map<String, Duration> parts = new LinkedHashMap<>();
    private long firstStepAt;
    private int steps;

    ImageSteps(ProgressBars.Bar bar, Path output) {
        this.bar = bar;
        this.output = output;
    }

    @Override
    public void onStep(DenoisingStep step) {
        long now = System.nanoTime();
        if (step.step() == 1) {
            firstStepAt = now;
        }
        steps = step.totalSteps();
        bar.update(step.step(), step.totalSteps());
        if (step.step() > 1) {
            double perStep = (now - firstStepAt) / 1e9 / (step.step() - 1);
            bar.message(String.format(Locale.ROOT, "%.2f s/step", perStep));
        }
        if (step.hasPreview()) {
            Path file = sibling(output, String.format(Locale.ROOT, "step-%02d", step.step()));
            step.preview().writePng(file);
            previews.add(file);
        }
    }

    @Override
    public void onDone(Map<String, Duration> timeByPart) {
        parts.putAll(timeByPart);
    }

    List<Path> previews() {
        return previews;
    }

    /**
     * What {@code --json} prints of a run: the file written, the seed, the size, the previews and
     * the times ({@link #putTimings}).
     */
    ObjectNode json(Path file, long seed, Image image) {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        json.put("file", file.toString());
        json.put("seed", seed);
        json.put("width", image.width()).put("height", image.height());
        ArrayNode list = json.putArray("previews");
        previews.forEach(p -> list.add(p.toString()));
        putTimings(json);
        return json;
    }

    /** The parts' times, in seconds, and the UNet's seconds per step. */
    void putTimings(ObjectNode json) {
        ObjectNode t = json.putObject("seconds");
        parts.forEach((part, d) -> t.put(part, d.toNanos() / 1e9));
        Duration unet = parts.get("unet");
        if (unet != null && steps > 0) {
            json.put("unet_seconds_per_step", unet.toNanos() / 1e9 / steps);
        }
    }

    /** {@code out.png} with {@code tag}: {@code out.tag.png}. */
    static Path sibling(Path output, String tag) {
        String name = output.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String stem = dot > 0 ? name.substring(0, dot) : name;
        String ext = dot > 0 ? name.substring(dot) : ".png";
        return output.resolveSibling(stem + "." + tag + ext);
    }
}
