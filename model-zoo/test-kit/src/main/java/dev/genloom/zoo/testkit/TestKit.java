package dev.genloom.zoo.testkit;

import dev.genloom.spi.Dtype;
import dev.genloom.zoo.testkit.bert.BertModel;
import dev.genloom.zoo.testkit.clip.ClipModel;
import dev.genloom.zoo.testkit.diffusion.StableDiffusionModel;
import dev.genloom.zoo.testkit.diffusion.TinyAutoencoder;
import dev.genloom.zoo.testkit.lm.DecoderExport;
import dev.genloom.zoo.testkit.lm.Gpt2Model;
import dev.genloom.zoo.testkit.lm.LlamaModel;
import dev.genloom.zoo.testkit.musicgen.MusicgenExport;
import dev.genloom.zoo.testkit.tts.PiperVoiceModel;
import dev.genloom.zoo.testkit.tts.VitsModel;
import dev.genloom.zoo.testkit.whisper.WhisperExport;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Writes every test-kit model folder. The build runs {@link #main} after compiling, leaving the
 * folders in {@code model-zoo/target/test-kit/}.
 */
public final class TestKit {

    /** Folder name of the echo model. */
    public static final String ECHO_TINY = "echo-tiny";
    /** Folder name of the tiny GPT-2 ({@link Gpt2Model#TINY}). */
    public static final String GPT2_TINY = "gpt2-tiny";
    /** Folder name of the tiny Llama ({@link LlamaModel#TINY}). */
    public static final String LLAMA_TINY = "llama-tiny";
    /** Folder name of the tiny CLIP ({@link ClipModel#TINY}). */
    public static final String CLIP_TINY = "clip-tiny";
    /** Folder name of the tiny sentence-transformers BERT ({@link BertModel#TINY}, mean pooling). */
    public static final String BERT_TINY = "bert-tiny";
    /** Folder name of the tiny MMS-TTS / VITS ({@link VitsModel#TINY}). */
    public static final String MMS_TTS_TINY = "mms-tts-tiny";
    /** Folder name of the tiny single-speaker Piper voice ({@link PiperVoiceModel#TINY}, file {@link #PIPER_VOICE}). */
    public static final String PIPER_TINY = "piper-tiny";
    /** Folder name of the tiny three-speaker Piper voice ({@link PiperVoiceModel#TINY_MULTI}, file {@link #PIPER_VOICE}). */
    public static final String PIPER_TINY_MULTI = "piper-tiny-multi";
    /** File stem of the kit's Piper voices: {@code <stem>.onnx} and {@code <stem>.onnx.json}. */
    public static final String PIPER_VOICE = "en_US-genloom_tiny-x_low";
    /** Folder name of the tiny Whisper ({@link WhisperExport#TINY}: encoder, decoders, merged decoder; fp32, fp16, quantized). */
    public static final String WHISPER_TINY_KIT = "whisper-tiny-kit";
    /** Folder name of the tiny MusicGen ({@link MusicgenExport#TINY}: text encoder, merged decoder, EnCodec decoder). */
    public static final String MUSICGEN_TINY = "musicgen-tiny";
    /** Folder name of the Whisper base.en-size benchmark model ({@link #writeBenchmarkModels}). */
    public static final String WHISPER_BASE_EN_SIZE = "whisper-base-en-size";
    /** Folder name of the Whisper tiny.en-size benchmark model ({@link #writeBenchmarkModels}). */
    public static final String WHISPER_TINY_EN_SIZE = "whisper-tiny-en-size";
    /** Folder name of the full-size GPT-2 benchmark model ({@link #writeBenchmarkModels}). */
    public static final String GPT2_124M = "gpt2-124m";
    /** Folder name of the full-size CLIP ViT-B/32 benchmark model ({@link #writeBenchmarkModels}). */
    public static final String CLIP_VIT_B_32 = "clip-vit-b-32";
    /** Folder name of the tiny Stable Diffusion pipeline with an int64 UNet timestep ({@link StableDiffusionModel#TINY}). */
    public static final String SD_TINY = "sd-tiny";
    /** Folder name of the same pipeline with a float UNet timestep. */
    public static final String SD_TINY_FLOAT_TIMESTEP = "sd-tiny-float-timestep";
    /** Folder name of the SD 2.x-style v-prediction pipeline ({@link StableDiffusionModel#tinyV}, Optimum layout). */
    public static final String SD_TINY_V = "sd-tiny-v";
    /** Folder name of the inpainting pipeline (9-channel UNet, {@link StableDiffusionModel#tinyInpaint}). */
    public static final String SD_TINY_INPAINT = "sd-tiny-inpaint";
    /** Folder name of the pipeline whose UNet keeps its weights in {@code unet/model.onnx_data}. */
    public static final String SD_TINY_EXTERNAL = "sd-tiny-external";
    /** Folder name of the pipeline whose UNet takes batch 1 only ({@link StableDiffusionModel#tinyBatchOne}). */
    public static final String SD_TINY_BATCH1 = "sd-tiny-batch1";
    /** Folder name of the LCM pipeline ({@code timestep_cond}, LCMScheduler, {@link StableDiffusionModel#tinyLcm}). */
    public static final String SD_TINY_LCM = "sd-tiny-lcm";
    /** Folder name of the SDXL pipeline ({@link StableDiffusionModel#tinyXl}). */
    public static final String SDXL_TINY = "sdxl-tiny";
    /** Folder name of the SDXL-Turbo-flavoured pipeline (trailing spacing, {@link StableDiffusionModel#tinyXlTurbo}). */
    public static final String SDXL_TURBO_TINY = "sdxl-turbo-tiny";
    /** Folder name of the float16 pipeline ({@link StableDiffusionModel#tinyFp16}). */
    public static final String SD_TINY_FP16 = "sd-tiny-fp16";
    /** Folder name of the tiny TAESD ({@link TinyAutoencoder}: {@code taesd_encoder.onnx}, {@code taesd_decoder.onnx}). */
    public static final String TAESD_TINY = "taesd-tiny";
    /** Folder name of the Stable Diffusion 1.5-size benchmark pipeline ({@link #writeBenchmarkModels}). */
    public static final String SD15_SIZE = "sd15-size";

    private TestKit() {
    }

    /** Writes every test-kit model folder under {@code dir} and returns the folders written. */
    public static List<Path> writeAll(Path dir) {
        List<Path> written = new ArrayList<>();
        written.add(EchoExport.write(dir.resolve(ECHO_TINY)));
        written.add(Gpt2Model.write(dir.resolve(GPT2_TINY), Gpt2Model.TINY));
        written.add(LlamaModel.write(dir.resolve(LLAMA_TINY), LlamaModel.TINY));
        written.add(ClipModel.write(dir.resolve(CLIP_TINY), ClipModel.TINY));
        written.add(BertModel.write(dir.resolve(BERT_TINY), BertModel.TINY));
        written.add(VitsModel.write(dir.resolve(MMS_TTS_TINY), VitsModel.TINY));
        written.add(PiperVoiceModel.write(dir.resolve(PIPER_TINY), PIPER_VOICE, PiperVoiceModel.TINY));
        written.add(PiperVoiceModel.write(dir.resolve(PIPER_TINY_MULTI), PIPER_VOICE, PiperVoiceModel.TINY_MULTI));
        written.add(StableDiffusionModel.write(dir.resolve(SD_TINY), StableDiffusionModel.TINY,
                StableDiffusionModel.TimestepType.INT64));
        written.add(StableDiffusionModel.write(dir.resolve(SD_TINY_FLOAT_TIMESTEP), StableDiffusionModel.TINY,
                StableDiffusionModel.TimestepType.FLOAT));
        written.add(StableDiffusionModel.write(dir.resolve(SD_TINY_V), StableDiffusionModel.tinyV()));
        written.add(StableDiffusionModel.write(dir.resolve(SD_TINY_INPAINT), StableDiffusionModel.tinyInpaint()));
        written.add(StableDiffusionModel.write(dir.resolve(SD_TINY_EXTERNAL), StableDiffusionModel.tinyExternal()));
        written.add(StableDiffusionModel.write(dir.resolve(SD_TINY_BATCH1), StableDiffusionModel.tinyBatchOne()));
        written.add(StableDiffusionModel.write(dir.resolve(SD_TINY_LCM), StableDiffusionModel.tinyLcm()));
        written.add(StableDiffusionModel.write(dir.resolve(SDXL_TINY), StableDiffusionModel.tinyXl()));
        written.add(StableDiffusionModel.write(dir.resolve(SDXL_TURBO_TINY), StableDiffusionModel.tinyXlTurbo()));
        written.add(StableDiffusionModel.write(dir.resolve(SD_TINY_FP16), StableDiffusionModel.tinyFp16()));
        written.add(TinyAutoencoder.write(dir.resolve(TAESD_TINY), TinyAutoencoder.TINY));
        written.add(WhisperExport.write(dir.resolve(WHISPER_TINY_KIT), WhisperExport.TINY));
        written.add(MusicgenExport.write(dir.resolve(MUSICGEN_TINY), MusicgenExport.TINY));
        return written;
    }

    /**
     * Writes full-size models for benchmarks (not used by the build): {@code gpt2-124m} with
     * GPT-2 small's sizes ({@link Gpt2Model#GPT2_124M}: 12 layers, 12 heads, hidden 768, 50257
     * tokens, 1024 positions), as {@code onnx/model.onnx} and {@code onnx/model_fp16.onnx}, about
     * 500 MB and 250 MB of seeded random weights; {@code clip-vit-b-32} with CLIP ViT-B/32's
     * sizes ({@link ClipModel#VIT_B_32}), {@code onnx/model.onnx}, {@code text_model.onnx} and
     * {@code vision_model.onnx}, about 600, 250 and 350 MB; and {@code whisper-tiny-en-size} with
     * Whisper tiny.en's sizes ({@link WhisperExport#WHISPER_TINY_EN}), every fp32 file, about 410 MB; and
     * {@code whisper-base-en-size} ({@link WhisperExport#WHISPER_BASE_EN}), every fp32 file; and
     * {@code sd15-size} ({@link StableDiffusionModel#writeSd15Size}): Stable Diffusion 1.5's text
     * encoder, UNet (weights streamed to {@code unet/model.onnx_data}, 3.4 GB) and VAE, about 4.3 GB.
     */
    public static List<Path> writeBenchmarkModels(Path dir) {
        return writeBenchmarkModels(dir, List.copyOf(benchmarkWriters(dir).keySet()));
    }

    /** Writes the named benchmark models ({@link #benchmarkNames()}) under {@code dir}, in the order given. */
    public static List<Path> writeBenchmarkModels(Path dir, List<String> names) {
        Map<String, Supplier<Path>> writers = benchmarkWriters(dir);
        for (String name : names) {
            if (!writers.containsKey(name)) {
                throw new IllegalArgumentException("no benchmark model named " + name + "; there are " + writers.keySet());
            }
        }
        List<Path> written = new ArrayList<>();
        for (String name : names) {
            written.add(writers.get(name).get());
        }
        return written;
    }

    /** Names of the benchmark models, in the order {@link #writeBenchmarkModels(Path)} writes them. */
    public static List<String> benchmarkNames() {
        return List.copyOf(benchmarkWriters(Path.of(".")).keySet());
    }

    private static Map<String, Supplier<Path>> benchmarkWriters(Path dir) {
        Map<String, Supplier<Path>> w = new LinkedHashMap<>();
        w.put(GPT2_124M, () -> Gpt2Model.write(dir.resolve(GPT2_124M), Gpt2Model.GPT2_124M,
                EnumSet.of(DecoderExport.Variant.MODEL, DecoderExport.Variant.MODEL_FP16)));
        w.put(CLIP_VIT_B_32, () -> ClipModel.write(dir.resolve(CLIP_VIT_B_32), ClipModel.VIT_B_32));
        w.put(WHISPER_TINY_EN_SIZE, () -> WhisperExport.write(dir.resolve(WHISPER_TINY_EN_SIZE), WhisperExport.WHISPER_TINY_EN,
                WhisperExport.File.of(Dtype.FP32)));
        w.put(WHISPER_BASE_EN_SIZE, () -> WhisperExport.write(dir.resolve(WHISPER_BASE_EN_SIZE), WhisperExport.WHISPER_BASE_EN,
                WhisperExport.File.of(Dtype.FP32)));
        w.put(SD15_SIZE, () -> StableDiffusionModel.writeSd15Size(dir.resolve(SD15_SIZE)));
        return w;
    }

    /**
     * {@code TestKit <output dir>}: writes every test-kit model folder under the given directory;
     * {@code TestKit --benchmark <output dir> [name...]}: writes the full-size benchmark models
     * instead, all of them or those named (e.g. {@code sd15-size}).
     */
    public static void main(String[] args) {
        boolean benchmark = args.length >= 2 && args[0].equals("--benchmark");
        String target = benchmark ? args[1] : args.length == 1 ? args[0] : null;
        if (target == null || target.isBlank()) {
            // no System.exit: the build runs this inside Maven's own JVM
            throw new IllegalArgumentException("usage: TestKit [--benchmark] <output directory> [benchmark model names: "
                    + String.join(", ", benchmarkNames()) + "]");
        }
        Path dir = Path.of(target);
        List<String> names = benchmark && args.length > 2 ? List.of(args).subList(2, args.length) : benchmarkNames();
        for (Path folder : benchmark ? writeBenchmarkModels(dir, names) : writeAll(dir)) {
            System.out.println("test kit: wrote " + folder);
        }
    }
}
