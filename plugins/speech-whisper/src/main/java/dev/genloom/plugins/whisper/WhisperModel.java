package dev.genloom.plugins.whisper;

import com.fasterxml.jackson.databind.JsonNode;
import dev.genloom.api.ErrorKind;
import dev.genloom.api.GenloomException;
import dev.genloom.api.ModelInfo;
import dev.genloom.api.Segment;
import dev.genloom.api.SegmentListener;
import dev.genloom.api.SpeechToText;
import dev.genloom.api.Transcript;
import dev.genloom.api.TranscriptionOptions;
import dev.genloom.api.media.Audio;
import dev.genloom.api.media.AudioStream;
import dev.genloom.plugins.whisper.features.LogMelSpectrogram;
import dev.genloom.spi.ModelContext;
import dev.genloom.spi.Tokenizer;

import java.util.List;
import java.util.Objects;
import java.util.function.DoubleUnaryOperator;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.Locale;

/**
 * A Whisper export: features, encoder and decoder sessions, tokenizer and token ids, and (opened on
 * first use) the voice-activity detector. Safe for concurrent calls: each call has its own state.
 */
final class WhisperModel implements SpeechToText {

    private final ModelContext ctx;
    private final ModelInfo info;
    /** The sessions and what their signatures say (package-private: tests check which files were opened). */
    final WhisperGraph graph;
    private final Tokenizer tokenizer;
    private final WhisperTokens tokens;
    private final LogMelSpectrogram mel;
    final Transcriber transcriber;
    private final Object vadLock = new Object();
    private VoiceActivity vad;

    private WhisperModel(ModelContext ctx, WhisperGraph graph, Tokenizer tokenizer, WhisperTokens tokens, LogMelSpectrogram mel) {
        this.ctx = ctx;
        this.info = ctx.info();
        this.graph = graph;
        this.tokenizer = tokenizer;
        this.tokens = tokens;
        this.mel = mel;
        JsonNode config = ctx.folder().config();
        this.transcriber = new Transcriber(graph, ctx.sessions().environment(), tokens, tokenizer, mel,
                config.path("max_target_positions").asInt(448), ctx.option("cache", Boolean.class, true));
    }

    static WhisperModel open(ModelContext ctx) {
        if (!ctx.folder().has("tokenizer.json")) {
            throw new GenloomException(ErrorKind.MODEL_INCOMPATIBLE, "no tokenizer.json in " + ctx.folder().path(),
                    "a Whisper export carries its tokenizer (tokenizer.json) beside config.json");
        }
        JsonNode pre = ctx.folder().json("preprocessor_config.json").orElseGet(
                () -> JsonNodeFactory.instance.objectNode());
        LogMelSpectrogram mel = LogMelSpectrogram.fromPreprocessorConfig(pre,
                ctx.folder().path().resolve("preprocessor_config.json").toString());
        WhisperGraph graph = WhisperGraph.open(ctx);
        Tokenizer tokenizer = null;
        try {
            if (mel.mels() != graph.melBins || mel.frames() != graph.frames) {
                throw new GenloomException(ErrorKind.MODEL_INCOMPATIBLE, ctx.folder().path()
                        + ": preprocessor_config.json gives " + mel.mels() + " mel bins x " + mel.frames()
                        + " frames, but " + graph.encoderFile.getFileName() + " takes " + graph.melBins + " x "
                        + graph.frames, "large-v3 takes 128 mel bins, the others 80: keep the export's own "
                        + "preprocessor_config.json", null);
            }
            tokenizer = ctx.tokenizers().load(ctx.folder().resolve("tokenizer.json"));
            WhisperTokens tokens = WhisperTokens.read(ctx.folder(), tokenizer);
            return new WhisperModel(ctx, graph, tokenizer, tokens, mel);
        } catch (RuntimeException e) {
            if (tokenizer != null) {
                tokenizer.close();
            }
            graph.close();
            throw e;
        }
    }

    WhisperTokens tokens() {
        return tokens;
    }

    @Override
    public ModelInfo info() {
        return info;
    }

    @Override
    public Transcript transcribe(Audio audio, TranscriptionOptions options, SegmentListener listener) {
        Objects.requireNonNull(audio, "audio");
        return transcribe(AudioStream.of(audio), options, listener);
    }

    /**
     * Reads the stream as it transcribes: mono at the model's rate a block at a time, one window
     * (and a sample) held at once, so memory is bounded whatever the length. With {@code vad}, the
     * voice-activity pass reads the stream first, spooling it to a temporary file (64 KB a second)
     * from which the speech chunks are read back.
     */
    @Override
    public Transcript transcribe(AudioStream audio, TranscriptionOptions options, SegmentListener listener) {
        Objects.requireNonNull(audio, "audio");
        TranscriptionOptions o = options == null ? TranscriptionOptions.defaults() : options;
        SegmentListener l = listener == null ? SegmentListener.NONE : listener;
        String language = checkLanguage(o);
        boolean translate = o.task() == TranscriptionOptions.Task.TRANSLATE;
        if (translate && !tokens.multilingual()) {
            throw GenloomException.invalidInput("model '" + info.name() + "' is English-only and cannot translate",
                    "use a multilingual Whisper (without .en) for --task translate");
        }
        Transcriber.Request request = new Transcriber.Request(language, translate, o.timestamps(), o.beams());
        Transcript empty = new Transcript("", language == null && !tokens.multilingual() ? "en" : language, List.of());
        AudioStream mono = audio.monoAt(mel.samplingRate());
        Transcriber.Outcome out;
        if (o.vad()) {
            out = vad().transcribe(mono, mel.samplesPerWindow(), transcriber, request, l);
            if (out == null) {
                return empty;
            }
        } else {
            SampleWindow window = SampleWindow.of(mono);
            window.fill(0, 1);
            if (window.end() == 0) {
                return empty;
            }
            out = transcriber.transcribe(window, request, l, DoubleUnaryOperator.identity());
        }
        List<Segment> segments = o.timestamps() ? out.segments() : List.of();
        String spoken = out.language() != null ? out.language() : tokens.multilingual() ? null : "en";
        return new Transcript(out.text(), spoken, segments, out.clock().timings());
    }

    /** The language to decode in: checked against the model; null where a multilingual model detects it. */
    private String checkLanguage(TranscriptionOptions o) {
        String language = o.language() == null ? null : o.language().trim().toLowerCase(Locale.ROOT);
        if (!tokens.multilingual()) {
            if (language != null && !language.equals("en") && !language.equals("english")) {
                throw GenloomException.invalidInput("model '" + info.name() + "' is English-only; it cannot "
                        + "transcribe language '" + o.language() + "'", "use a multilingual Whisper (without .en)");
            }
            return "en";
        }
        if (language == null) {
            return null;
        }
        if (!tokens.languages().containsKey(language)) {
            throw GenloomException.invalidInput("model '" + info.name() + "' knows no language '" + o.language()
                    + "'", "languages are ISO codes: " + String.join(" ", tokens.languages().keySet()));
        }
        return language;
    }

    private VoiceActivity vad() {
        synchronized (vadLock) {
            if (vad == null) {
                vad = VoiceActivity.open(ctx);
            }
            return vad;
        }
    }

    @Override
    public void close() {
        try {
            graph.close();
        } finally {
            tokenizer.close();
            synchronized (vadLock) {
                if (vad != null) {
                    vad.close();
                }
            }
        }
    }
}
