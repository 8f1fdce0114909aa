package dev.genloom.runtime.pipeline;

import dev.genloom.api.Generation;
import dev.genloom.api.ImageOptions;
import dev.genloom.api.Model;
import dev.genloom.api.ModelInfo;
import dev.genloom.api.Segment;
import dev.genloom.api.SegmentListener;
import dev.genloom.api.SpeechToText;
import dev.genloom.api.StepListener;
import dev.genloom.api.DenoisingStep;
import dev.genloom.api.TextOptions;
import dev.genloom.api.TextToImage;
import dev.genloom.api.TextToText;
import dev.genloom.api.TokenListener;
import dev.genloom.api.Transcript;
import dev.genloom.api.TranscriptionOptions;
import dev.genloom.api.media.Audio;
import dev.genloom.api.media.Image;
import dev.genloom.api.task.Port;
import dev.genloom.api.task.Task;
import dev.genloom.api.task.Tasks;
import dev.genloom.api.task.ValueType;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.UnaryOperator;

/** In-process models that compute something checkable, and the catalog and tasks that know them. */
public final class Fakes {
    private Fakes() {
    }

    /** A test-only modality with two inputs, to build diamonds and multi-input wiring. */
    public interface Joiner extends Model {
        String join(String left, String right);
    }

    /** Options of the join task: the separator. */
    public record JoinOptions(String separator) {
    }

    static final Task<Joiner, JoinOptions> JOIN = new Task<>("join", "joins two texts", Joiner.class,
            JoinOptions.class, new JoinOptions("|"),
            List.of(new Port("left", ValueType.TEXT, "first"), new Port("right", ValueType.TEXT, "second")),
            List.of(new Port("text", ValueType.TEXT, "both")),
            (model, in, options, progress) -> Map.of("text",
                    model.join((String) in.get("left"), (String) in.get("right")).replace("|", options.separator())));

    /** Every built-in task and JOIN. */
    static List<Task<?, ?>> tasks() {
        List<Task<?, ?>> all = new ArrayList<>(Tasks.all());
        all.add(JOIN);
        return all;
    }

    /** The models tests may name, by the modalities they offer. */
    static final Map<String, Set<Class<?>>> CATALOG = Map.of(
            "whisper-tiny.en", Set.of(SpeechToText.class),
            "sd-turbo", Set.of(TextToImage.class),
            "upper", Set.of(TextToText.class),
            "reverse", Set.of(TextToText.class),
            "picky", Set.of(TextToText.class),
            "joiner", Set.of(Joiner.class));

    static final ModelCatalog CATALOG_VIEW = new ModelCatalog() {
        @Override
        public Optional<Set<Class<?>>> modalities(String model) {
            return Optional.ofNullable(CATALOG.get(model));
        }

        @Override
        public Set<String> names() {
            return CATALOG.keySet();
        }
    };

    static PipelineParser parser() {
        return new PipelineParser(CATALOG_VIEW, tasks());
    }

    /** A test resource as text. */
    static String resource(String path) {
        try (InputStream in = Fakes.class.getResourceAsStream("/" + path)) {
            if (in == null) {
                throw new IllegalArgumentException("no test resource " + path);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Parses a test resource, naming it by its resource path. */
    static Pipeline load(String path) {
        return parser().parse(resource(path), path);
    }

    /** The model for a catalog name, new each time. */
    static Model create(String name) {
        return switch (name) {
            case "whisper-tiny.en" -> new Ears(name);
            case "sd-turbo" -> new Painter(name);
            case "upper" -> new Words(name, s -> s.toUpperCase(Locale.ROOT));
            case "reverse" -> new Words(name, s -> new StringBuilder(s).reverse().toString());
            case "picky" -> new Words(name, s -> {
                if (s.contains("boom")) {
                    throw new IllegalStateException("cannot stand '" + s + "'");
                }
                return "ok: " + s;
            });
            case "joiner" -> new Join(name);
            default -> throw new IllegalArgumentException("no fake model " + name);
        };
    }

    abstract static class Fake implements Model {
        final String name;
        final AtomicBoolean closed = new AtomicBoolean();

        Fake(String name) {
            this.name = name;
        }

        @Override
        public ModelInfo info() {
            return new ModelInfo(name, "fake", "test", null, "cpu");
        }

        @Override
        public void close() {
            closed.set(true);
        }
    }

    /** Speech-to-text: "heard N frames at R Hz", one segment per second of audio. */
    static final class Ears extends Fake implements SpeechToText {
        Ears(String name) {
            super(name);
        }

        @Override
        public Transcript transcribe(Audio audio, TranscriptionOptions options, SegmentListener listener) {
            List<Segment> segments = new ArrayList<>();
            double duration = audio.durationSeconds();
            for (int s = 0; s < Math.ceil(duration); s++) {
                Segment seg = new Segment(s, Math.min(duration, s + 1), "second " + s);
                segments.add(seg);
                listener.onSegment(seg);
            }
            String text = "heard " + audio.frames() + " frames at " + audio.sampleRate() + " Hz";
            return new Transcript(text, options.language(), options.timestamps() ? segments : List.of());
        }
    }

    /** Text-to-text by a function of the prompt, one token per character. */
    static final class Words extends Fake implements TextToText {
        private final UnaryOperator<String> function;

        Words(String name, UnaryOperator<String> function) {
            super(name);
            this.function = function;
        }

        @Override
        public Generation generate(String prompt, TextOptions options, TokenListener listener) {
            String text = function.apply(prompt);
            for (int i = 0; i < text.length(); i++) {
                listener.onText(text.substring(i, i + 1));
            }
            return new Generation(text, new long[text.length()], prompt.length(), Generation.FinishReason.EOS, 0, 0);
        }
    }

    /** Text-to-image: width = prompt length, height = steps (1 by default), grey = seed % 256. */
    static class Painter extends Fake implements TextToImage {
        Painter(String name) {
            super(name);
        }

        @Override
        public List<Image> generateImages(String prompt, ImageOptions options, StepListener listener) {
            return List.of(generateImage(prompt, options, listener));
        }

        @Override
        public Image generateImage(String prompt, ImageOptions options, StepListener listener) {
            int steps = options.steps() == null ? 1 : options.steps();
            for (int i = 1; i <= steps; i++) {
                listener.onStep(new DenoisingStep(i, steps, 0, Duration.ZERO));
            }
            int width = Math.max(1, prompt.length());
            byte[] rgb = new byte[width * steps * 3];
            java.util.Arrays.fill(rgb, (byte) (options.seed() == null ? 0 : options.seed() % 256));
            return new Image(width, steps, rgb);
        }
    }

    static final class Join extends Fake implements Joiner {
        Join(String name) {
            super(name);
        }

        @Override
        public String join(String left, String right) {
            return left + "|" + right;
        }
    }
}
