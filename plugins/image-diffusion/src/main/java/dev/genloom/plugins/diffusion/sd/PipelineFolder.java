package dev.genloom.plugins.diffusion.sd;

import com.fasterxml.jackson.databind.JsonNode;
import dev.genloom.api.ErrorKind;
import dev.genloom.api.GenloomException;
import dev.genloom.spi.ModelFolder;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A diffusers pipeline folder as Optimum and diffusers' ONNX export write it: {@code model_index.json},
 * one sub-folder per part ({@code text_encoder/}, {@code text_encoder_2/}, {@code unet/},
 * {@code vae_decoder/}, {@code vae_encoder/}, each a {@code model.onnx}, possibly with external
 * weights beside it), {@code tokenizer/} ({@code tokenizer_2/}) and
 * {@code scheduler/scheduler_config.json}. Which parts there are is read from the files; a part
 * the pipeline needs that is missing is refused, naming the part and the file looked for.
 */
final class PipelineFolder {
    static final String MODEL_INDEX = "model_index.json";
    static final String SCHEDULER_CONFIG = "scheduler/scheduler_config.json";

    private final ModelFolder folder;
    private final JsonNode index;

    PipelineFolder(ModelFolder folder) {
        this.folder = folder;
        this.index = folder.json(MODEL_INDEX).orElseThrow(() -> GenloomException.invalidInput(
                "no " + MODEL_INDEX + " in " + folder.path() + ": not a diffusers pipeline folder"));
    }

    /** The folder's ONNX file of a part ({@code unet/model.onnx}), if there is one. */
    static Optional<String> onnxFile(ModelFolder folder, String part) {
        String preferred = part + "/model.onnx";
        if (folder.has(preferred)) {
            return Optional.of(preferred);
        }
        return folder.files().stream()
                .filter(f -> f.startsWith(part + "/") && f.endsWith(".onnx") && f.indexOf('/', part.length() + 1) < 0)
                .sorted()
                .findFirst();
    }

    /** Whether the folder holds this part's ONNX file. */
    boolean has(String part) {
        return onnxFile(folder, part).isPresent();
    }

    /** The part's ONNX file; refused, naming the part and the file, where it is missing. */
    Path onnx(String part, String needFor) {
        return onnxFile(folder, part).map(folder::resolve).orElseThrow(() -> new GenloomException(
                ErrorKind.MODEL_INCOMPATIBLE,
                "diffusion model " + folder.path() + " has no " + part + "/model.onnx, which " + needFor + " needs",
                "export the pipeline with all its parts (optimum-cli export onnx --model ... ), or copy the "
                        + part + "/ folder in"));
    }

    /** The tokenizer folder of a text encoder: {@code tokenizer/} or {@code tokenizer_2/}. */
    Path tokenizerDir(String name) {
        Path dir = folder.resolve(name);
        if (!folder.has(name + "/tokenizer.json") && !(folder.has(name + "/vocab.json") && folder.has(name + "/merges.txt"))) {
            throw new GenloomException(ErrorKind.MODEL_INCOMPATIBLE,
                    "diffusion model " + folder.path() + " has no tokenizer in " + name
                            + "/ (tokenizer.json, or vocab.json and merges.txt)",
                    "copy the pipeline's " + name + "/ folder in");
        }
        return dir;
    }

    /** The scheduler's configuration: {@code scheduler/scheduler_config.json}. */
    JsonNode schedulerConfig() {
        return folder.json(SCHEDULER_CONFIG).orElseThrow(() -> new GenloomException(
                ErrorKind.MODEL_INCOMPATIBLE,
                "diffusion model " + folder.path() + " has no " + SCHEDULER_CONFIG,
                "copy the pipeline's scheduler/ folder in"));
    }

    Path schedulerConfigFile() {
        return folder.resolve(SCHEDULER_CONFIG);
    }

    /** A part's {@code config.json} ({@code vae_decoder/config.json}), if there is one. */
    Optional<JsonNode> partConfig(String part) {
        return folder.json(part + "/config.json");
    }

    /** {@code model_index.json}'s pipeline class, e.g. {@code OnnxStableDiffusionPipeline}. */
    String pipelineClass() {
        return index.path("_class_name").asText("");
    }

    JsonNode index() {
        return index;
    }

    ModelFolder folder() {
        return folder;
    }

    Path path() {
        return folder.path();
    }

    /** The parts present, for logs: {@code text_encoder, unet, vae_decoder}. */
    List<String> parts() {
        List<String> out = new ArrayList<>();
        for (String p : List.of(Parts.TEXT_ENCODER, Parts.TEXT_ENCODER_2, Parts.UNET, Parts.VAE_DECODER, Parts.VAE_ENCODER)) {
            if (has(p)) {
                out.add(p);
            }
        }
        return out;
    }
}
