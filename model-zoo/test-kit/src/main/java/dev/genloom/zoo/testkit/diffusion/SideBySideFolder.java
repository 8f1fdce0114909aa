package dev.genloom.zoo.testkit.diffusion;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.genloom.zoo.testkit.Json;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A Stable Diffusion folder for side-by-side benchmarks against other ONNX Runtime pipelines that
 * expect diffusers' export-script layout and CLIP's special ids (SD4J): the kit's networks in the
 * script's form ({@code input_ids} int32, {@code timestep} int64 {@code [batch]}, the batch axes
 * dynamic), a text encoder with CLIP's full 49408-token table (pipelines that pad with the real
 * {@code <|endoftext|>} id 49407 index inside it; the kit's tokenizer's ids are the first 576),
 * the scheduler config of {@code EulerAncestralDiscreteScheduler} with {@code linspace} spacing,
 * and {@link ClipTokenizerOp}'s {@code text_tokenizer/custom_op_cliptok.onnx}.
 *
 * <ul>
 * <li>{@code tiny}: the kit's tiny sizes ({@link StableDiffusionModel#TINY}), some megabytes;</li>
 * <li>{@code sd15-size}: Stable Diffusion 1.5's (CLIP ViT-L/14, {@link UNetSpec#SD15} with its weights
 *     in {@code unet/model.onnx_data}, {@link Vae#SD}), seeded random weights, about 4.3 GB.</li>
 * </ul>
 *
 * Not used by the build: {@code framework-cli/bench/sd4j-side-by-side.sh} writes it.
 */
public final class SideBySideFolder {

    /** CLIP's token table: its pipelines' bos and eos are 49406 and 49407. */
    public static final int CLIP_VOCAB = 49408;
    /** Where SD4J looks for its tokenizer (relative to its working directory). */
    public static final String TOKENIZER_OP = "text_tokenizer/custom_op_cliptok.onnx";

    /** The sizes. */
    public enum Size { TINY, SD15_SIZE }

    private SideBySideFolder() {
    }

    /** Writes the folder and returns it. */
    public static Path write(Path folder, Size size, long seed) {
        SdVariant v = SdVariant.of(StableDiffusionModel.TINY);
        ClipText text;
        UNetSpec unet;
        Vae vae;
        if (size == Size.SD15_SIZE) {
            text = ClipText.VIT_L_14;
            unet = UNetSpec.SD15;
            vae = Vae.SD;
            v = v.withSampleSize(unet.sampleSize());
        } else {
            ClipText t = v.textEncoder();
            text = new ClipText(t.hidden(), t.heads(), t.layers(), t.positions(), CLIP_VOCAB, t.intermediate(),
                    t.quickGelu(), t.projectionDim());
            unet = v.unet();
            vae = v.vae();
        }
        ClipBpe tokenizer = StableDiffusionModel.tokenizer(StableDiffusionModel.TINY);
        ExportForm form = v.partForm();
        ObjectNode index = DiffusersConfigs.modelIndex(v);
        index.putArray("scheduler").add("diffusers").add("EulerAncestralDiscreteScheduler");
        Json.write(folder.resolve("model_index.json"), index);
        Json.write(folder.resolve(StableDiffusionModel.SCHEDULER).resolve("scheduler_config.json"), eulerAncestral());
        Path tok = folder.resolve(StableDiffusionModel.TOKENIZER);
        Json.write(tok.resolve("vocab.json"), tokenizer.vocabJson());
        writeText(tok.resolve("merges.txt"), tokenizer.mergesTxt());
        Json.write(tok.resolve("tokenizer_config.json"), tokenizer.tokenizerConfig(text.positions()));
        Json.write(tok.resolve("special_tokens_map.json"), tokenizer.specialTokensMap());
        Json.write(tok.resolve("tokenizer.json"), tokenizer.tokenizerJson(text.positions()));
        text.build(form, false, false, seed, null)
                .write(folder.resolve(StableDiffusionModel.TEXT_ENCODER).resolve(StableDiffusionModel.MODEL_FILE));
        StableDiffusionModel.writeUnet(folder.resolve(StableDiffusionModel.UNET), unet, v.unetForm(), v.timestep(), seed,
                size == Size.SD15_SIZE);
        vae.decoder(form, seed, null)
                .write(folder.resolve(StableDiffusionModel.VAE_DECODER).resolve(StableDiffusionModel.MODEL_FILE));
        ClipTokenizerOp.model(tok).write(folder.resolve(TOKENIZER_OP));
        return folder;
    }

    /** SD 1.x's betas for {@code EulerAncestralDiscreteScheduler}, timesteps spread by {@code linspace} over 0..999. */
    static ObjectNode eulerAncestral() {
        ObjectNode o = SchedulerPreset.PNDM_SD1.json();
        o.put("_class_name", "EulerAncestralDiscreteScheduler");
        o.remove("skip_prk_steps");
        o.remove("set_alpha_to_one");
        o.put("steps_offset", 0);
        o.put("timestep_spacing", "linspace");
        return o;
    }

    private static void writeText(Path file, String text) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write " + file + ": " + e.getMessage(), e);
        }
    }

    /** {@code SideBySideFolder <dir> [tiny|sd15-size] [seed]}: writes the folder (default tiny, seed 1515). */
    public static void main(String[] args) {
        if (args.length < 1 || args.length > 3) {
            throw new IllegalArgumentException("usage: SideBySideFolder <output dir> [tiny|sd15-size] [seed]");
        }
        Size size = args.length < 2 ? Size.TINY : switch (args[1]) {
            case "tiny" -> Size.TINY;
            case "sd15-size" -> Size.SD15_SIZE;
            default -> throw new IllegalArgumentException("size is tiny or sd15-size, not " + args[1]);
        };
        long seed = args.length < 3 ? 1515 : Long.parseLong(args[2]);
        System.out.println("test kit: wrote " + write(Path.of(args[0]), size, seed));
    }
}
