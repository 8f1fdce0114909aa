package dev.genloom.plugins.diffusion.scheduler;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.genloom.api.ErrorKind;
import dev.genloom.api.GenloomException;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A diffusers {@code scheduler/scheduler_config.json}: its {@code _class_name} and the values of
 * the {@link ConfigKey keys} it sets, each checked for type and range when read. A key the file
 * does not set takes the default of the scheduler class that runs (diffusers' defaults differ
 * between classes); {@link Schedulers} first fills in the defaults of the file's own class, as
 * diffusers' {@code OtherScheduler.from_config(pipe.scheduler.config)} does. Immutable: the
 * {@code with...} methods return a changed copy.
 */
public final class SchedulerConfig {
    private static final JsonMapper JSON = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS) // diffusers writes -Infinity for lambda_min_clipped
            .build();

    private final String className;
    private final String source;
    private final Map<ConfigKey, Object> values;
    private final List<String> ignoredKeys;

    private SchedulerConfig(String className, String source, Map<ConfigKey, Object> values, List<String> ignored) {
        this.className = className;
        this.source = source;
        this.values = values;
        this.ignoredKeys = ignored;
    }

    /** No file: every key takes the running scheduler's default. */
    public static SchedulerConfig empty() {
        return new SchedulerConfig(null, null, new EnumMap<>(ConfigKey.class), List.of());
    }

    /**
     * The config of a parsed {@code scheduler_config.json}.
     *
     * @param file where it was read from, for messages (may be null)
     * @throws GenloomException {@link ErrorKind#INVALID_INPUT} naming the key, the value and the file
     */
    public static SchedulerConfig parse(JsonNode node, Path file) {
        String where = file == null ? "the scheduler config" : "scheduler config " + file;
        if (node == null || !node.isObject()) {
            throw GenloomException.invalidInput(where + " is not a JSON object",
                    "Use the scheduler_config.json of a diffusers export");
        }
        String cls = null;
        JsonNode name = node.get("_class_name");
        if (name != null && !name.isNull()) {
            if (!name.isTextual()) {
                throw bad(where, "_class_name", name, "a class name such as \"EulerDiscreteScheduler\"");
            }
            cls = name.textValue();
        }
        Map<ConfigKey, Object> values = new EnumMap<>(ConfigKey.class);
        List<String> ignored = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            Optional<ConfigKey> key = ConfigKey.of(e.getKey());
            if (key.isEmpty()) {
                if (!e.getKey().startsWith("_")) {
                    ignored.add(e.getKey());
                }
            } else if (!e.getValue().isNull()) {
                values.put(key.get(), read(key.get(), e.getValue(), where));
            }
        }
        return new SchedulerConfig(cls, file == null ? null : file.toString(), values,
                Collections.unmodifiableList(ignored));
    }

    /** Reads and parses a {@code scheduler_config.json}. */
    public static SchedulerConfig read(Path file) {
        JsonNode node;
        try {
            node = JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new GenloomException(ErrorKind.IO, "Cannot read the scheduler config " + file + ": " + e.getMessage(),
                    "Check that the file exists and is JSON", e);
        }
        return parse(node, file);
    }

    /** The file's {@code _class_name} (the diffusers scheduler class it was saved from), if it has one. */
    public Optional<String> className() {
        return Optional.ofNullable(className);
    }

    /** The file the config was read from, if any. */
    public Optional<String> source() {
        return Optional.ofNullable(source);
    }

    /** The file's keys that Genloom does not read (diffusers' metadata keys, starting with {@code _}, left out). */
    public List<String> ignoredKeys() {
        return ignoredKeys;
    }

    /** Whether the key has a value (from the file, an override or filled-in defaults). */
    public boolean has(ConfigKey key) {
        return values.containsKey(key);
    }

    /** The key's value, if it has one: an {@link Integer}, {@link Double}, {@link Boolean}, {@link String}, {@code double[]} or enum constant. */
    public Optional<Object> value(ConfigKey key) {
        Object v = values.get(key);
        return Optional.ofNullable(v instanceof double[] ? ((double[]) v).clone() : v);
    }

    /** What the UNet predicts: the file's {@code prediction_type}, or epsilon (every diffusers scheduler's default). */
    public PredictionType predictionType() {
        return (PredictionType) values.getOrDefault(ConfigKey.PREDICTION_TYPE, PredictionType.EPSILON);
    }

    /** A copy that predicts what is given (for a v-prediction model whose config says epsilon). */
    public SchedulerConfig withPredictionType(PredictionType type) {
        return with(ConfigKey.PREDICTION_TYPE, type);
    }

    /** A copy with another timestep spacing (trailing for SD-Turbo-like models, say). */
    public SchedulerConfig withTimestepSpacing(TimestepSpacing spacing) {
        return with(ConfigKey.TIMESTEP_SPACING, spacing);
    }

    /** A copy with Karras sigmas switched on or off. */
    public SchedulerConfig withKarrasSigmas(boolean on) {
        return with(ConfigKey.USE_KARRAS_SIGMAS, on);
    }

    /**
     * A copy with the key set to a Java value (Integer, Double, Boolean, String, double[], or one of
     * the enums here), checked as if it were in the file; null removes the key.
     */
    public SchedulerConfig with(ConfigKey key, Object value) {
        Map<ConfigKey, Object> copy = new EnumMap<>(ConfigKey.class);
        copy.putAll(values);
        if (value == null) {
            copy.remove(key);
        } else {
            copy.put(key, read(key, toJson(value), "the scheduler option"));
        }
        return new SchedulerConfig(className, source, copy, ignoredKeys);
    }

    /**
     * A copy with a key set from text, as a user types it ({@code prediction_type=v_prediction},
     * {@code use_karras_sigmas=true}, {@code steps_offset=1}; {@code null} removes the key).
     *
     * @throws GenloomException {@link ErrorKind#INVALID_INPUT} for a key Genloom does not read (listing those it does) or a bad value
     */
    public SchedulerConfig with(String key, String value) {
        ConfigKey k = ConfigKey.of(key).orElseThrow(() -> GenloomException.invalidInput(
                "Unknown scheduler config key \"" + key + "\"", "Known keys: " + ConfigKey.allNames()));
        if (value == null || value.equals("null")) {
            return with(k, null);
        }
        JsonNode node;
        if (value.equals("true") || value.equals("false")) {
            node = JsonNodeFactory.instance.booleanNode(Boolean.parseBoolean(value));
        } else {
            try {
                node = JsonNodeFactory.instance.numberNode(Double.parseDouble(value));
                if (value.matches("-?\\d+")) {
                    node = JsonNodeFactory.instance.numberNode(Long.parseLong(value));
                }
            } catch (NumberFormatException e) {
                node = JsonNodeFactory.instance.textNode(value);
            }
        }
        Map<ConfigKey, Object> copy = new EnumMap<>(ConfigKey.class);
        copy.putAll(values);
        copy.put(k, read(k, node, "the scheduler option"));
        return new SchedulerConfig(className, source, copy, ignoredKeys);
    }

    /** A copy where each key of the map without a value takes the map's (a scheduler class's defaults). */
    SchedulerConfig withDefaults(Map<ConfigKey, Object> defaults) {
        Map<ConfigKey, Object> copy = new EnumMap<>(ConfigKey.class);
        copy.putAll(values);
        defaults.forEach(copy::putIfAbsent);
        return new SchedulerConfig(className, source, copy, ignoredKeys);
    }

    /** A copy naming another diffusers class. */
    SchedulerConfig withClassName(String name) {
        return new SchedulerConfig(name, source, values, ignoredKeys);
    }

    int integer(ConfigKey key) {
        return (Integer) required(key);
    }

    double number(ConfigKey key) {
        return (Double) required(key);
    }

    boolean flag(ConfigKey key) {
        return (Boolean) required(key);
    }

    String word(ConfigKey key) {
        return (String) required(key);
    }

    <E extends Enum<E>> E choice(ConfigKey key, Class<E> type) {
        return type.cast(required(key));
    }

    /** The value, or null where the key has none (for keys whose diffusers default is None). */
    Object optional(ConfigKey key) {
        Object v = values.get(key);
        return v instanceof double[] ? ((double[]) v).clone() : v;
    }

    /**
     * The refusal of a value that diffusers knows but Genloom does not implement for this
     * scheduler ({@link ErrorKind#UNSUPPORTED}).
     */
    GenloomException unsupported(ConfigKey key, String scheduler, String implemented) {
        Object v = values.get(key);
        return GenloomException.unsupported(where() + ": \"" + key.json() + "\" = " + show(v) + " is not supported by the "
                + scheduler + " scheduler (Genloom implements " + implemented + ")",
                "Set \"" + key.json() + "\" to a supported value or pick another scheduler");
    }

    /** Refuses the key's value unless it is the neutral one (or absent). */
    void requireNeutral(ConfigKey key, Object neutral, String scheduler) {
        Object v = values.get(key);
        if (v != null && !v.equals(neutral)) {
            throw unsupported(key, scheduler, show(neutral) + " only");
        }
    }

    /** Where the config came from, for messages. */
    String where() {
        return source == null ? "the scheduler config" : "scheduler config " + source;
    }

    private Object required(ConfigKey key) {
        Object v = values.get(key);
        if (v == null) {
            throw new IllegalStateException("scheduler config key " + key.json() + " has no value and no default");
        }
        return v;
    }

    private static Object read(ConfigKey key, JsonNode node, String where) {
        try {
            return key.read(node);
        } catch (ValueKind.BadValue e) {
            throw bad(where, key.json(), node, e.getMessage());
        }
    }

    private static GenloomException bad(String where, String key, JsonNode value, String expected) {
        String shown = value.toString();
        if (shown.length() > 60) {
            shown = shown.substring(0, 57) + "...";
        }
        return GenloomException.invalidInput(where + ": \"" + key + "\" = " + shown + " is not valid; expected " + expected,
                "Fix the value, or remove the key to take diffusers' default");
    }

    private static JsonNode toJson(Object value) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        if (value instanceof ConfigValue) {
            return f.textNode(((ConfigValue) value).json());
        } else if (value instanceof Boolean) {
            return f.booleanNode((Boolean) value);
        } else if (value instanceof Integer || value instanceof Long) {
            return f.numberNode(((Number) value).longValue());
        } else if (value instanceof Number) {
            return f.numberNode(((Number) value).doubleValue());
        } else if (value instanceof double[]) {
            ArrayNode a = f.arrayNode();
            for (double d : (double[]) value) {
                a.add(d);
            }
            return a;
        }
        return f.textNode(String.valueOf(value));
    }

    private static String show(Object v) {
        if (v instanceof ConfigValue) {
            return "\"" + ((ConfigValue) v).json() + "\"";
        }
        return v instanceof String ? "\"" + v + "\"" : String.valueOf(v);
    }
}
