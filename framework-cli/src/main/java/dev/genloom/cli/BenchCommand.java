package dev.genloom.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.genloom.api.ErrorKind;
import dev.genloom.api.GenloomException;
import dev.genloom.api.media.Audio;
import dev.genloom.api.ImageToImage;
import dev.genloom.api.media.Image;
import dev.genloom.cli.bench.EmbeddingBench;
import dev.genloom.cli.bench.ImageBench;
import dev.genloom.cli.bench.OcrBench;
import dev.genloom.cli.bench.PipelineOverhead;
import dev.genloom.cli.bench.SpeechBench;
import dev.genloom.cli.bench.TextGenerationBench;
import dev.genloom.cli.bench.UpscaleBench;
import dev.genloom.cli.bench.VisionBench;
import dev.genloom.cli.io.Values;
import dev.genloom.runtime.Genloom;
import dev.genloom.spi.BareEncoder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "bench", description = "Benchmarks (a harness, not tests).", subcommands = {BenchCommand.Pipeline.class, BenchCommand.Text.class,
        BenchCommand.Speech.class, BenchCommand.Embed.class,
        BenchCommand.Vision.class, BenchCommand.Ocr.class, BenchCommand.ImageGeneration.class, BenchCommand.Upscale.class})
final class BenchCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "give a benchmark: pipeline, text, speech, embed, vision, ocr, image or upscale");
    }

    /** What every benchmark shares: the root command's options and the output. */
    abstract static class Run implements Callable<Integer> {
        @ParentCommand
        BenchCommand parent;

        @Spec
        CommandSpec spec;

        GenloomCli root() {
            return (GenloomCli) parent.spec.parent().userObject();
        }

        PrintWriter out() {
            return spec.commandLine().getOut();
        }
    }

    @Command(name = "pipeline", description = "Pipeline overhead per step against calling the model directly, "
            + "in one process (text-to-text steps in a chain).")
    static final class Pipeline extends Run {

        @Option(names = {"-m", "--model"}, defaultValue = "echo-tiny", paramLabel = "MODEL",
                description = "a text-to-text model (default: ${DEFAULT-VALUE})")
        String model;

        @Option(names = "--steps", defaultValue = "4", paramLabel = "N", description = "steps in the chain (default: ${DEFAULT-VALUE})")
        int steps;

        @Option(names = "--rounds", defaultValue = "15", paramLabel = "N", description = "alternating rounds (default: ${DEFAULT-VALUE})")
        int rounds;

        @Option(names = "--calls", defaultValue = "2000", paramLabel = "N", description = "model calls per round (default: ${DEFAULT-VALUE})")
        int calls;

        @Override
        public Integer call() {
            GenloomCli root = root();
            PrintWriter out = out();
            try (Genloom genloom = root.open()) {
                PipelineOverhead.Result r = PipelineOverhead.measure(genloom, model, steps, rounds, calls);
                String device = genloom.sessions().device();
                int threads = genloom.config().intraOpThreads();
                if (root.json()) {
                    out.println(JsonNodeFactory.instance.objectNode().put("model", model).put("device", device)
                            .put("intraOpThreads", threads).put("steps", r.steps()).put("rounds", r.rounds())
                            .put("callsPerRound", r.callsPerRound())
                            .put("directMicrosPerCall", r.directNanosPerCall() / 1e3)
                            .put("pipelineMicrosPerStep", r.pipelineNanosPerStep() / 1e3)
                            .put("overheadMicrosPerStep", r.overheadNanosPerStep() / 1e3)
                            .put("ratio", r.ratio()).toPrettyString());
                } else {
                    out.printf(Locale.ROOT, "model %s on %s, intra-op threads %s, %d-step chain, %d rounds x %d calls "
                                    + "(median round)%n", model, device, threads == 0 ? "default" : threads, r.steps(),
                            r.rounds(), r.callsPerRound());
                    out.printf(Locale.ROOT, "direct call        %10.1f us%n", r.directNanosPerCall() / 1e3);
                    out.printf(Locale.ROOT, "pipeline, per step %10.1f us%n", r.pipelineNanosPerStep() / 1e3);
                    out.printf(Locale.ROOT, "overhead per step  %10.1f us  (ratio %.3f)%n",
                            r.overheadNanosPerStep() / 1e3, r.ratio());
                }
                out.flush();
            }
            return 0;
        }
    }

    @Command(name = "text", description = "Text generation: prefill and decode tokens/s at several contexts, against a "
            + "bare ONNX Runtime greedy loop over the same onnx/model.onnx in the same process.")
    static final class Text extends Run {

        @Option(names = {"-m", "--model"}, required = true, paramLabel = "MODEL",
                description = "a decoder-only model folder with onnx/model.onnx (e.g. the test kit's gpt2-124m)")
        String model;

        @Option(names = "--contexts", split = ",", defaultValue = "128,512,1024", paramLabel = "N,...",
                description = "context lengths (default: ${DEFAULT-VALUE})")
        int[] contexts;

        @Option(names = "--decode", defaultValue = "64", paramLabel = "N",
                description = "tokens generated at each context (default: ${DEFAULT-VALUE})")
        int decode;

        @Option(names = "--repeats", defaultValue = "3", paramLabel = "N", description = "alternating runs (default: ${DEFAULT-VALUE})")
        int repeats;

        @Override
        public Integer call() {
            GenloomCli root = root();
            PrintWriter out = out();
            try (Genloom genloom = root.open()) {
                List<TextGenerationBench.Row> rows =
                        TextGenerationBench.measure(genloom, model, contexts, decode, repeats);
                String device = genloom.sessions().device();
                int threads = genloom.config().intraOpThreads();
                long rss = TextGenerationBench.peakRssMib();
                if (root.json()) {
                    ObjectNode node = JsonNodeFactory.instance.objectNode()
                            .put("model", model).put("device", device).put("intraOpThreads", threads)
                            .put("peakRssMib", rss);
                    ArrayNode list = node.putArray("contexts");
                    for (var r : rows) {
                        list.addObject().put("context", r.context()).put("prefillTokensPerSecond", r.prefillTokensPerSecond())
                                .put("decodeTokens", r.decodeTokens()).put("decodeTokensPerSecond", r.decodeTokensPerSecond())
                                .put("bareDecodeTokensPerSecond", r.bareDecodeTokensPerSecond())
                                .put("decodeOverhead", r.decodeOverhead());
                    }
                    out.println(node.toPrettyString());
                } else {
                    out.printf(Locale.ROOT, "model %s on %s, intra-op threads %s, %d decode tokens, median of %d%n",
                            model, device, threads == 0 ? "default" : threads, decode, repeats);
                    out.printf(Locale.ROOT, "%8s %14s %14s %14s %10s%n", "context", "prefill tok/s", "decode tok/s",
                            "bare tok/s", "overhead");
                    for (var r : rows) {
                        out.printf(Locale.ROOT, "%8d %14.1f %14.1f %14.1f %9.1f%%%n", r.context(),
                                r.prefillTokensPerSecond(), r.decodeTokensPerSecond(), r.bareDecodeTokensPerSecond(),
                                100 * r.decodeOverhead());
                    }
                    out.printf(Locale.ROOT, "peak RSS %d MiB%n", rss);
                }
                out.flush();
            }
            return 0;
        }
    }

    @Command(name = "speech", description = "Speech-to-text: real-time factor of a transcription, with features, "
            + "encoder and decoder time apart (median of the runs after a warm-up).")
    static final class Speech extends Run {

        @Option(names = {"-m", "--model"}, required = true, paramLabel = "MODEL",
                description = "a speech-to-text model (e.g. the test kit's whisper-tiny-en-size)")
        String model;

        @Option(names = "--audio", paramLabel = "FILE", description = "audio to transcribe (default: a speech-like "
                + "synthetic clip of --seconds)")
        Path audio;

        @Option(names = "--seconds", defaultValue = "60", paramLabel = "S",
                description = "length of the synthetic clip (default: ${DEFAULT-VALUE})")
        double seconds;

        @Option(names = "--timestamps", negatable = true, defaultValue = "true", fallbackValue = "true",
                description = "decode with timestamps (default: ${DEFAULT-VALUE})")
        boolean timestamps;

        @Option(names = "--beams", defaultValue = "1", paramLabel = "N", description = "beam width (default: ${DEFAULT-VALUE})")
        int beams;

        @Option(names = "--repeats", defaultValue = "3", paramLabel = "N", description = "runs after the warm-up (default: ${DEFAULT-VALUE})")
        int repeats;

        @Option(names = "--bare", negatable = true, defaultValue = "true", fallbackValue = "true",
                description = "also time a bare ONNX Runtime decoding loop over the folder's decoder_model + "
                        + "decoder_with_past_model, per token (default: ${DEFAULT-VALUE})")
        boolean bare;

        @Override
        public Integer call() {
            GenloomCli root = root();
            PrintWriter out = out();
            Audio clip = audio == null ? null : Values.readAudio(audio);
            try (Genloom genloom = root.open()) {
                SpeechBench.Result r = SpeechBench.measure(
                        genloom, model, clip, seconds, timestamps, beams, repeats);
                String device = genloom.sessions().device();
                int threads = genloom.config().intraOpThreads();
                double bareMs = Double.NaN;
                String bareSkipped = null;
                if (bare) {
                    try {
                        bareMs = SpeechBench.bareDecoderMillisPerToken(genloom, model, 224,
                                repeats);
                    } catch (GenloomException e) {
                        if (e.kind() != ErrorKind.INVALID_INPUT) {
                            throw e;
                        }
                        bareSkipped = e.getMessage(); // e.g. a merged-only export: no pair to loop over
                    }
                }
                long rss = TextGenerationBench.peakRssMib();
                if (root.json()) {
                    ObjectNode node = JsonNodeFactory.instance.objectNode();
                    if (Double.isNaN(bareMs)) {
                        node.putNull("bareDecoderMillisPerToken");
                    } else {
                        node.put("bareDecoderMillisPerToken", bareMs);
                    }
                    out.println(node.put("model", model).put("device", device)
                            .put("intraOpThreads", threads).put("audioSeconds", r.audioSeconds())
                            .put("windows", r.windows()).put("tokens", r.tokens())
                            .put("wallSeconds", r.wallSeconds()).put("realTimeFactor", r.realTimeFactor())
                            .put("featureSeconds", r.featureSeconds()).put("encoderSeconds", r.encoderSeconds())
                            .put("encoderRealTimeFactor", r.encoderRealTimeFactor())
                            .put("decoderSeconds", r.decoderSeconds())
                            .put("decoderRealTimeFactor", r.decoderRealTimeFactor())
                            .put("decoderMillisPerToken", r.decoderMillisPerToken())
                            .put("peakRssMib", rss).toPrettyString());
                } else {
                    out.printf(Locale.ROOT, "model %s on %s, intra-op threads %s, %.1f s of audio, %s, beams %d, "
                                    + "median of %d%n", model, device, threads == 0 ? "default" : threads,
                            r.audioSeconds(), timestamps ? "timestamps" : "no timestamps", beams, repeats);
                    out.printf(Locale.ROOT, "windows %d, tokens %d%n", r.windows(), r.tokens());
                    out.printf(Locale.ROOT, "total     %8.3f s   real-time factor %.4f%n", r.wallSeconds(),
                            r.realTimeFactor());
                    out.printf(Locale.ROOT, "features  %8.3f s%n", r.featureSeconds());
                    out.printf(Locale.ROOT, "encoder   %8.3f s   real-time factor %.4f%n", r.encoderSeconds(),
                            r.encoderRealTimeFactor());
                    out.printf(Locale.ROOT, "decoder   %8.3f s   real-time factor %.4f   %.2f ms/token%n",
                            r.decoderSeconds(), r.decoderRealTimeFactor(), r.decoderMillisPerToken());
                    if (bareSkipped != null) {
                        out.println("bare loop skipped: " + bareSkipped);
                    } else if (bare) {
                        out.printf(Locale.ROOT, "bare ONNX Runtime decoding loop %.2f ms/token (Genloom %+.1f %%)%n",
                                bareMs, 100 * (r.decoderMillisPerToken() / bareMs - 1));
                    }
                    out.printf(Locale.ROOT, "peak RSS %d MiB%n", rss);
                }
                out.flush();
            }
            return 0;
        }
    }

    @Command(name = "embed", description = "Sentence embeddings per second at several batch sizes, against a bare "
            + "ONNX Runtime loop (tokenize, pad, run, mean-pool) over the same files in the same process.")
    static final class Embed extends Run {

        @Option(names = {"-m", "--model"}, required = true, paramLabel = "MODEL",
                description = "a sentence-transformers model folder (e.g. all-minilm-l6-v2-q)")
        String model;

        @Option(names = "--batches", split = ",", defaultValue = "1,32", paramLabel = "N,...",
                description = "batch sizes (default: ${DEFAULT-VALUE})")
        int[] batches;

        @Option(names = "--sentences", defaultValue = "256", paramLabel = "N",
                description = "sentences of 8 to 40 words per run (default: ${DEFAULT-VALUE})")
        int sentences;

        @Option(names = "--repeats", defaultValue = "3", paramLabel = "N", description = "alternating runs (default: ${DEFAULT-VALUE})")
        int repeats;

        @Override
        public Integer call() {
            GenloomCli root = root();
            PrintWriter out = out();
            try (Genloom genloom = root.open()) {
                List<EmbeddingBench.Row> rows = EmbeddingBench.measure(genloom, model, batches, sentences, repeats);
                String device = genloom.sessions().device();
                int threads = genloom.config().intraOpThreads();
                long rss = TextGenerationBench.peakRssMib();
                if (root.json()) {
                    ObjectNode node = JsonNodeFactory.instance.objectNode().put("model", model).put("device", device)
                            .put("intraOpThreads", threads).put("sentences", sentences).put("peakRssMib", rss);
                    ArrayNode list = node.putArray("batches");
                    for (var r : rows) {
                        list.addObject().put("batch", r.batch()).put("sentencesPerSecond", r.sentencesPerSecond())
                                .put("bareSentencesPerSecond", r.bareSentencesPerSecond()).put("overhead", r.overhead());
                    }
                    out.println(node.toPrettyString());
                } else {
                    out.printf(Locale.ROOT, "model %s on %s, intra-op threads %s, %d sentences of 8-40 words, median of %d%n",
                            model, device, threads == 0 ? "default" : threads, sentences, repeats);
                    out.printf(Locale.ROOT, "%6s %14s %14s %10s%n", "batch", "sentences/s", "bare/s", "overhead");
                    for (var r : rows) {
                        out.printf(Locale.ROOT, "%6d %14.1f %14.1f %9.1f%%%n", r.batch(), r.sentencesPerSecond(),
                                r.bareSentencesPerSecond(), 100 * r.overhead());
                    }
                    out.printf(Locale.ROOT, "peak RSS %d MiB%n", rss);
                }
                out.flush();
            }
            return 0;
        }
    }

    @Command(name = "vision", description = "Image and text embeddings per second (CLIP) at each batch size, against the "
            + "family's bare ONNX Runtime encoders on the same inputs, in one process.")
    static final class Vision extends Run {

        @Option(names = {"-m", "--model"}, required = true, paramLabel = "MODEL",
                description = "a CLIP model (e.g. the test kit's clip-vit-b-32)")
        String model;

        @Option(names = "--image", paramLabel = "FILE", description = "pictures to embed (default: four synthetic "
                + "640x480 ones)")
        List<Path> images;

        @Option(names = "--batch", defaultValue = "1,16", split = ",", paramLabel = "N",
                description = "batch sizes (default: ${DEFAULT-VALUE})")
        int[] batches;

        @Option(names = "--repeats", defaultValue = "5", paramLabel = "N", description = "runs after the warm-up (default: ${DEFAULT-VALUE})")
        int repeats;

        @Override
        public Integer call() {
            GenloomCli root = root();
            PrintWriter out = out();
            for (int b : batches) {
                if (b < 1) {
                    throw new GenloomException(ErrorKind.INVALID_INPUT, "--batch sizes must be at least 1, got " + b, null, null);
                }
            }
            try (Genloom genloom = root.open()) {
                List<Image> pictures = new ArrayList<>();
                if (images != null) {
                    for (Path f : images) {
                        pictures.add(Image.read(f, genloom.config().maxImagePixels()));
                    }
                }
                List<VisionBench.Row> rows = VisionBench.measure(genloom, model, pictures, batches, repeats);
                String device = genloom.sessions().device();
                int threads = genloom.config().intraOpThreads();
                long rss = TextGenerationBench.peakRssMib();
                if (root.json()) {
                    ObjectNode node = JsonNodeFactory.instance.objectNode().put("model", model).put("device", device)
                            .put("intraOpThreads", threads).put("repeats", repeats);
                    ArrayNode a = node.putArray("batches");
                    for (VisionBench.Row r : rows) {
                        a.addObject().put("batch", r.batch()).put("imagesPerSecond", r.imagesPerSecond())
                                .put("bareImagesPerSecond", r.bareImagesPerSecond())
                                .put("textsPerSecond", r.textsPerSecond())
                                .put("bareTextsPerSecond", r.bareTextsPerSecond());
                    }
                    out.println(node.put("peakRssMib", rss).toPrettyString());
                } else {
                    out.printf(Locale.ROOT, "model %s on %s, intra-op threads %s, %s, median of %d%n", model, device,
                            threads == 0 ? "default" : threads, images == null ? "4 synthetic 640x480 pictures"
                                    : pictures.size() + " pictures", repeats);
                    out.printf(Locale.ROOT, "%6s %14s %14s %14s %14s%n", "batch", "images/s", "bare images/s",
                            "texts/s", "bare texts/s");
                    for (VisionBench.Row r : rows) {
                        out.printf(Locale.ROOT, "%6d %14.2f %14.2f %14.2f %14.2f%n", r.batch(), r.imagesPerSecond(),
                                r.bareImagesPerSecond(), r.textsPerSecond(), r.bareTextsPerSecond());
                    }
                    out.printf(Locale.ROOT, "peak RSS %d MiB%n", rss);
                }
                out.flush();
            }
            return 0;
        }
    }

    @Command(name = "image", description = "Text-to-image: seconds per picture and per UNet step, against a bare ONNX "
            + "Runtime loop over the same text encoder, UNet and VAE decoder in the same process.")
    static final class ImageGeneration extends Run {

        @Option(names = {"-m", "--model"}, required = true, paramLabel = "MODEL",
                description = "a diffusion model (e.g. the test kit's sd15-size: SD 1.5's shapes, random weights)")
        String model;

        @Option(names = "--size", defaultValue = "512", paramLabel = "PX", description = "width and height (default: ${DEFAULT-VALUE})")
        int size;

        @Option(names = "--steps", defaultValue = "4,1", split = ",", paramLabel = "N",
                description = "step counts, each timed on its own (default: ${DEFAULT-VALUE}; 1 is SD-Turbo's)")
        int[] steps;

        @Option(names = "--guidance", defaultValue = "7.5", paramLabel = "G",
                description = "guidance for step counts above 1 (default: ${DEFAULT-VALUE}); 1 step runs unguided, as SD-Turbo")
        double guidance;

        @Option(names = "--scheduler", defaultValue = "euler", paramLabel = "NAME",
                description = "a scheduler that calls the UNet once per step, as the bare loop (default: ${DEFAULT-VALUE})")
        String scheduler;

        @Option(names = "--repeats", defaultValue = "3", paramLabel = "N", description = "runs after the warm-up (default: ${DEFAULT-VALUE})")
        int repeats;

        @Override
        public Integer call() {
            GenloomCli root = root();
            PrintWriter out = out();
            for (int s : steps) {
                if (s < 1) {
                    throw new GenloomException(ErrorKind.INVALID_INPUT, "--steps must be at least 1, got " + s, null, null);
                }
            }
            try (Genloom genloom = root.open()) {
                List<ImageBench.Row> rows = new ArrayList<>();
                for (int s : steps) {
                    rows.add(ImageBench.measure(genloom, model, size, size, s, s == 1 ? 0 : guidance, scheduler, repeats));
                }
                String device = genloom.sessions().device();
                int threads = genloom.config().intraOpThreads();
                long rss = TextGenerationBench.peakRssMib();
                if (root.json()) {
                    ObjectNode node = JsonNodeFactory.instance.objectNode().put("model", model).put("device", device)
                            .put("intraOpThreads", threads).put("size", size).put("guidance", guidance).put("scheduler", scheduler)
                            .put("repeats", repeats);
                    ArrayNode a = node.putArray("runs");
                    for (ImageBench.Row r : rows) {
                        a.addObject().put("steps", r.steps()).put("secondsPerImage", r.seconds())
                                .put("bareSecondsPerImage", r.bareSeconds()).put("secondsPerStep", r.secondsPerStep())
                                .put("bareSecondsPerStep", r.bareSecondsPerStep()).put("overhead", r.overhead());
                    }
                    out.println(node.put("peakRssMib", rss).toPrettyString());
                } else {
                    out.printf(Locale.ROOT, "model %s on %s, intra-op threads %s, %dx%d, %s, guidance %.1f above 1 step, "
                            + "median of %d%n", model, device, threads == 0 ? "default" : threads, size, size, scheduler,
                            guidance, repeats);
                    out.printf(Locale.ROOT, "%6s %12s %12s %12s %12s %9s%n", "steps", "s/image", "bare s/image",
                            "s/step", "bare s/step", "overhead");
                    for (ImageBench.Row r : rows) {
                        out.printf(Locale.ROOT, "%6d %12.3f %12.3f %12.3f %12.3f %+8.1f%%%n", r.steps(), r.seconds(),
                                r.bareSeconds(), r.secondsPerStep(), r.bareSecondsPerStep(), 100 * r.overhead());
                    }
                    out.printf(Locale.ROOT, "peak RSS %d MiB%n", rss);
                }
                out.flush();
            }
            return 0;
        }
    }

    @Command(name = "upscale", description = "Image-to-image upscaling: seconds per picture, tiled as the model "
            + "is loaded, against a bare ONNX Runtime run of the same file on the whole picture in the same process.")
    static final class Upscale extends Run {

        @Option(names = {"-m", "--model"}, required = true, paramLabel = "MODEL",
                description = "an upscaler (e.g. ../shared/models/esrgan-slim-x4)")
        String model;

        @Option(names = "--image", paramLabel = "FILE", description = "the picture (default: a synthetic --size one)")
        Path image;

        @Option(names = "--size", defaultValue = "512", paramLabel = "PX",
                description = "side of the synthetic picture (default: ${DEFAULT-VALUE})")
        int size;

        @Option(names = "--tile", defaultValue = "256", split = ",", paramLabel = "PX",
                description = "tile sizes, each timed on its own (default: ${DEFAULT-VALUE})")
        int[] tiles;

        @Option(names = "--repeats", defaultValue = "3", paramLabel = "N", description = "runs after the warm-up (default: ${DEFAULT-VALUE})")
        int repeats;

        @Override
        public Integer call() {
            GenloomCli root = root();
            PrintWriter out = out();
            try (Genloom genloom = root.open()) {
                Image picture = image != null ? Image.read(image, genloom.config().maxImagePixels())
                        : VisionBench.synthetic(1, size, size).get(0);
                List<UpscaleBench.Figures> rows = new ArrayList<>();
                try (BareEncoder bare = genloom.bareEncoder(model)) {
                    for (int tile : tiles) {
                        ImageToImage m = (ImageToImage) genloom.model(model, null, Map.of("tile", tile));
                        rows.add(UpscaleBench.measure(m, bare, picture, 1, repeats));
                    }
                }
                String device = genloom.sessions().device();
                int threads = genloom.config().intraOpThreads();
                long rss = TextGenerationBench.peakRssMib();
                if (root.json()) {
                    ObjectNode node = JsonNodeFactory.instance.objectNode().put("model", model).put("device", device)
                            .put("intraOpThreads", threads).put("width", picture.width()).put("height", picture.height())
                            .put("repeats", repeats);
                    ArrayNode a = node.putArray("tiles");
                    for (int i = 0; i < rows.size(); i++) {
                        UpscaleBench.Figures f = rows.get(i);
                        a.addObject().put("tile", tiles[i]).put("tiles", f.tiles()).put("seconds", f.upscaleSeconds())
                                .put("bareSeconds", f.bareSeconds()).put("ratio", f.ratio());
                    }
                    out.println(node.put("peakRssMib", rss).toPrettyString());
                } else {
                    out.printf(Locale.ROOT, "model %s on %s, intra-op threads %s, %dx%d picture, median of %d%n", model,
                            device, threads == 0 ? "default" : threads, picture.width(), picture.height(), repeats);
                    for (int i = 0; i < rows.size(); i++) {
                        out.printf(Locale.ROOT, "tile %d: %s%n", tiles[i], rows.get(i));
                    }
                    out.printf(Locale.ROOT, "peak RSS %d MiB%n", rss);
                }
                out.flush();
            }
            return 0;
        }
    }

    @Command(name = "ocr", description = "Reading text (OCR): ms per page and lines/s on an A4-like page the harness "
            + "draws (1240 x 1754, serif lines), median of the runs after a warm-up.")
    static final class Ocr extends Run {

        @Option(names = {"-m", "--model"}, required = true, paramLabel = "MODEL",
                description = "an OCR model (e.g. paddleocr-v4: PP-OCRv4 detection, classifier, recognition)")
        String model;

        @Option(names = "--lines", defaultValue = "40", paramLabel = "N", description = "lines on the page (default: ${DEFAULT-VALUE})")
        int lines;

        @Option(names = "--repeats", defaultValue = "5", paramLabel = "N", description = "runs after the warm-up (default: ${DEFAULT-VALUE})")
        int repeats;

        @Override
        public Integer call() {
            GenloomException.require(lines >= 1 && lines <= 80, "--lines must be from 1 to 80, got " + lines);
            GenloomException.require(repeats >= 1, "--repeats must be at least 1, got " + repeats);
            GenloomCli root = root();
            PrintWriter out = out();
            try (Genloom genloom = root.open()) {
                OcrBench.Result r = OcrBench.measure(genloom, model, lines, repeats);
                String device = genloom.sessions().device();
                int threads = genloom.config().intraOpThreads();
                long rss = TextGenerationBench.peakRssMib();
                if (root.json()) {
                    out.println(JsonNodeFactory.instance.objectNode().put("model", model).put("device", device)
                            .put("intraOpThreads", threads).put("width", r.width()).put("height", r.height())
                            .put("linesDrawn", r.linesDrawn()).put("regionsRead", r.regionsRead())
                            .put("millisPerPage", r.millisPerPage()).put("linesPerSecond", r.linesPerSecond())
                            .put("characterErrorRate", r.characterErrorRate()).put("peakRssMib", rss).toPrettyString());
                } else {
                    out.printf(Locale.ROOT, "model %s on %s, intra-op threads %s, %dx%d page, %d lines drawn, median of %d%n",
                            model, device, threads == 0 ? "default" : threads, r.width(), r.height(), r.linesDrawn(),
                            repeats);
                    out.printf(Locale.ROOT, "%.1f ms per page, %d lines read, %.1f lines/s, character error rate %.4f%n",
                            r.millisPerPage(), r.regionsRead(), r.linesPerSecond(), r.characterErrorRate());
                    out.printf(Locale.ROOT, "peak RSS %d MiB%n", rss);
                }
                out.flush();
            }
            return 0;
        }
    }

}
