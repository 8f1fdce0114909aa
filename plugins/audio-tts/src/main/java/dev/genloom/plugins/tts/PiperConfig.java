package dev.genloom.plugins.tts;

import com.fasterxml.jackson.databind.JsonNode;
import dev.genloom.api.ErrorKind;
import dev.genloom.api.GenloomException;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a Piper voice's {@code VOICE.onnx.json} says: {@code audio.sample_rate},
 * {@code phoneme_type} ({@code espeak}, Piper's default, or {@code text}), {@code espeak.voice},
 * {@code inference.noise_scale / length_scale / noise_w} (Piper's defaults 0.667, 1, 0.8 where
 * absent), {@code phoneme_id_map}, {@code num_speakers} (1 where absent) and
 * {@code speaker_id_map} (name to id).
 */
public record PiperConfig(int sampleRate, String phonemeType, String espeakVoice, double noiseScale,
                          double lengthScale, double noiseW, Map<String, long[]> phonemeIdMap,
                          int numSpeakers, Map<String, Integer> speakerIdMap) {
    public static final double DEFAULT_NOISE_SCALE = 0.667;
    public static final double DEFAULT_LENGTH_SCALE = 1.0;
    public static final double DEFAULT_NOISE_W = 0.8;

    /** Reads the config of {@code file}; a missing or wrong key is {@code MODEL_INCOMPATIBLE} naming it and the file. */
    public static PiperConfig read(JsonNode json, Path file) {
        List<String> problems = new ArrayList<>();
        JsonNode rate = json.path("audio").path("sample_rate");
        if (!rate.canConvertToInt() || rate.asInt() <= 0) {
            problems.add("audio.sample_rate (a positive integer) is missing");
        }
        String phonemeType = json.path("phoneme_type").asText("espeak");
        String voice = json.path("espeak").path("voice").asText("");
        if (phonemeType.equals("espeak") && voice.isEmpty()) {
            problems.add("espeak.voice is missing (phoneme_type espeak)");
        } else if (!phonemeType.equals("espeak") && !phonemeType.equals("text")) {
            problems.add("phoneme_type " + phonemeType + " is not espeak or text");
        }
        Map<String, long[]> map = new LinkedHashMap<>();
        JsonNode m = json.path("phoneme_id_map");
        if (!m.isObject() || m.isEmpty()) {
            problems.add("phoneme_id_map is missing");
        } else {
            for (Iterator<Map.Entry<String, JsonNode>> it = m.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                JsonNode ids = e.getValue().isArray() ? e.getValue() : null;
                if (ids == null || ids.isEmpty()) {
                    problems.add("phoneme_id_map[\"" + e.getKey() + "\"] is not a list of ids");
                    continue;
                }
                long[] v = new long[ids.size()];
                for (int i = 0; i < v.length; i++) {
                    v[i] = ids.get(i).asLong();
                }
                map.put(e.getKey(), v);
            }
            for (String s : List.of(PhonemeIds.PAD, PhonemeIds.BOS, PhonemeIds.EOS)) {
                if (!map.containsKey(s)) {
                    problems.add("phoneme_id_map has no \"" + s + "\"");
                }
            }
        }
        int speakers = json.path("num_speakers").asInt(1);
        if (speakers < 1) {
            problems.add("num_speakers " + speakers + " is below 1");
        }
        Map<String, Integer> names = new TreeMap<>();
        json.path("speaker_id_map").fields().forEachRemaining(e -> names.put(e.getKey(), e.getValue().asInt()));
        if (!problems.isEmpty()) {
            throw new GenloomException(ErrorKind.MODEL_INCOMPATIBLE, file + " is not a Piper voice config: "
                    + String.join("; ", problems), "use the VOICE.onnx.json that Piper ships with VOICE.onnx");
        }
        JsonNode inf = json.path("inference");
        return new PiperConfig(rate.asInt(), phonemeType, voice,
                inf.path("noise_scale").asDouble(DEFAULT_NOISE_SCALE),
                inf.path("length_scale").asDouble(DEFAULT_LENGTH_SCALE),
                inf.path("noise_w").asDouble(DEFAULT_NOISE_W), Map.copyOf(map), speakers, Map.copyOf(names));
    }

    /** The name of speaker {@code id} in {@code speaker_id_map}, or null. */
    public String speakerName(int id) {
        for (Map.Entry<String, Integer> e : speakerIdMap.entrySet()) {
            if (e.getValue() == id) {
                return e.getKey();
            }
        }
        return null;
    }
}
