package dev.genloom.plugins.tts;

import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.JsonNode;
import dev.genloom.api.ErrorKind;
import dev.genloom.api.GenloomException;
import dev.genloom.api.Model;
import dev.genloom.api.TextToAudio;
import dev.genloom.spi.ModelContext;
import dev.genloom.spi.ModelFamily;
import dev.genloom.spi.ModelFolder;
import dev.genloom.spi.Release;
import org.pf4j.Extension;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Piper voices as Piper ships them: {@code VOICE.onnx} beside {@code VOICE.onnx.json}, the config
 * holding a {@code phoneme_id_map} (see {@link PiperConfig}, {@link PiperSession}). Phonemes come
 * from the {@code espeak-ng} program ({@link EspeakPhonemizer}) or, for {@code phoneme_type: text},
 * the text itself.
 *
 * <p>Load options: {@code voice} (the stem, where the folder holds several voices),
 * {@code espeak} (the program, default {@code espeak-ng} on the PATH), {@code espeak_timeout_s}
 * (default 30), {@code sentence_silence} (seconds between sentences, default 0.2).
 */
@Extension
public final class PiperFamily implements ModelFamily {
    static final String CONFIG_SUFFIX = ".onnx.json";

    @Override
    public String name() {
        return "piper";
    }

    @Override
    public String description() {
        return "Piper text-to-speech voices (VITS), phonemes from espeak-ng";
    }

    @Override
    public Set<Class<? extends Model>> modalities() {
        return Set.of(TextToAudio.class);
    }

    @Override
    public Optional<String> recognize(ModelFolder folder) {
        return configs(folder).stream().findFirst().map(c -> c + " with phoneme_id_map"
                + (folder.has(stem(c) + ".onnx") ? " + " + stem(c) + ".onnx" : ""));
    }

    /** The {@code *.onnx.json} files of the folder that hold a {@code phoneme_id_map}. */
    static List<String> configs(ModelFolder folder) {
        return folder.files().stream().filter(f -> f.endsWith(CONFIG_SUFFIX))
                .filter(f -> folder.json(f).map(j -> j.has("phoneme_id_map")).orElse(false))
                .sorted().toList();
    }

    static String stem(String config) {
        return config.substring(0, config.length() - CONFIG_SUFFIX.length());
    }

    @Override
    public Model load(ModelContext context) {
        ModelFolder folder = context.folder();
        List<String> configs = configs(folder);
        String chosen = context.option("voice", String.class).map(v -> v + CONFIG_SUFFIX).orElse(null);
        if (chosen == null) {
            if (configs.size() != 1) {
                throw new GenloomException(ErrorKind.AMBIGUOUS_MODEL, folder.path() + " holds " + configs.size()
                        + " Piper voice configs " + configs, "set the load option voice to one of their stems");
            }
            chosen = configs.get(0);
        } else if (!configs.contains(chosen)) {
            throw new GenloomException(ErrorKind.MODEL_NOT_FOUND, folder.path() + " has no Piper voice config " + chosen
                    + "; it has " + configs, null);
        }
        String onnx = stem(chosen) + ".onnx";
        if (!folder.has(onnx)) {
            throw new GenloomException(ErrorKind.MODEL_INCOMPATIBLE, folder.path() + " has " + chosen + " but no " + onnx
                    + " beside it", "put the voice's " + onnx + " (it is downloaded with its .onnx.json) in the folder");
        }
        JsonNode json = folder.json(chosen).orElseThrow();
        PiperConfig config = PiperConfig.read(json, folder.resolve(chosen));
        Phonemizer phonemizer = config.phonemeType().equals("text") ? new TextPhonemizer()
                : new EspeakPhonemizer(context.option("espeak", String.class, EspeakPhonemizer.PROGRAM), config.espeakVoice(),
                        Duration.ofSeconds(context.option("espeak_timeout_s", Integer.class, 30)), EspeakPhonemizer.DEFAULT_MAX_OUTPUT);
        double silence = context.option("sentence_silence", Double.class, 0.2);
        GenloomException.require(silence >= 0 && silence <= 10, "load option sentence_silence must be in [0, 10] seconds, got " + silence);
        Path file = folder.resolve(onnx);
        OrtSession session = context.sessions().open(file);
        PiperSession piper = PiperSession.of(context.sessions().environment(), session, file, config.numSpeakers());
        try {
            return new PiperVoice(context.info(), config, phonemizer, piper, silence);
        } catch (RuntimeException e) {
            throw Release.after(e, piper);
        }
    }
}
