package dev.genloom.api.task;

import dev.genloom.api.GenloomException;
import dev.genloom.api.media.Image;

import java.lang.reflect.InvocationTargetException;
import java.math.BigDecimal;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Builds an options record from names and values given as text or as YAML scalars (an image
 * option, such as a mask, as the path of its file): the record's
 * defaults, with the given values in place of theirs. A name may be written camelCase, kebab-case
 * or snake_case ({@code maxNewTokens}, {@code max-new-tokens}, {@code max_new_tokens}).
 */
public final class OptionBinder {
    private OptionBinder() {
    }

    /** The option names of an options record, camelCase, in declaration order. */
    public static List<String> names(Class<? extends Record> type) {
        List<String> out = new ArrayList<>();
        for (RecordComponent c : type.getRecordComponents()) {
            out.add(c.getName());
        }
        return out;
    }

    /** The record component a written name stands for, if any. */
    public static Optional<String> canonicalName(Class<? extends Record> type, String written) {
        String key = normalise(written);
        for (RecordComponent c : type.getRecordComponents()) {
            if (normalise(c.getName()).equals(key)) {
                return Optional.of(c.getName());
            }
        }
        return Optional.empty();
    }

    /**
     * Checks one option without building the record: null where it is fine, else what is wrong
     * (an unknown name, with the closest known one; or a value of the wrong type).
     */
    public static String check(Class<? extends Record> type, String name, Object value) {
        Optional<String> canonical = canonicalName(type, name);
        if (canonical.isEmpty()) {
            return "unknown option '" + name + "'" + didYouMean(type, name)
                    + "; options are " + String.join(", ", names(type));
        }
        RecordComponent c = component(type, canonical.get());
        try {
            convert(c, value);
            return null;
        } catch (GenloomException e) {
            return e.getMessage();
        }
    }

    /**
     * Checks one option as {@link #check(Class, String, Object)} does, and also against the
     * record's own constraints (a topP of 1.5, say) by building the defaults with it in place:
     * null where it is fine, else the message {@link #bind} would throw.
     */
    public static <O extends Record> String check(Class<O> type, O defaults, String name, Object value) {
        String problem = check(type, name, value);
        if (problem != null) {
            return problem;
        }
        try {
            Map<String, Object> one = new LinkedHashMap<>();
            one.put(name, value);
            bind(type, defaults, one);
            return null;
        } catch (GenloomException e) {
            return e.getMessage();
        }
    }

    /** The defaults with the given options in place; every failure is an INVALID_INPUT error. */
    public static <O extends Record> O bind(Class<O> type, O defaults, Map<String, ?> values) {
        RecordComponent[] components = type.getRecordComponents();
        Map<String, Object> given = new LinkedHashMap<>();
        Map<String, String> writtenAs = new LinkedHashMap<>();
        for (Map.Entry<String, ?> e : values.entrySet()) {
            String problem = check(type, e.getKey(), e.getValue());
            if (problem != null) {
                throw GenloomException.invalidInput(problem);
            }
            String canonical = canonicalName(type, e.getKey()).orElseThrow();
            if (given.containsKey(canonical)) {
                throw GenloomException.invalidInput("option " + canonical + " is given twice (as '"
                        + writtenAs.get(canonical) + "' and as '" + e.getKey() + "')");
            }
            given.put(canonical, e.getValue());
            writtenAs.put(canonical, e.getKey());
        }
        Object[] args = new Object[components.length];
        Class<?>[] types = new Class<?>[components.length];
        for (int i = 0; i < components.length; i++) {
            RecordComponent c = components[i];
            types[i] = c.getType();
            try {
                args[i] = given.containsKey(c.getName()) ? convert(c, given.get(c.getName()))
                        : c.getAccessor().invoke(defaults);
            } catch (IllegalAccessException | InvocationTargetException e) {
                throw new IllegalStateException("cannot read option " + c.getName() + " of " + type.getSimpleName(), e);
            }
        }
        try {
            return type.getDeclaredConstructor(types).newInstance(args);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof GenloomException g) {
                throw g;
            }
            throw new IllegalStateException("cannot build " + type.getSimpleName(), e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot build " + type.getSimpleName(), e);
        }
    }

    private static RecordComponent component(Class<? extends Record> type, String name) {
        for (RecordComponent c : type.getRecordComponents()) {
            if (c.getName().equals(name)) {
                return c;
            }
        }
        throw new IllegalArgumentException(name);
    }

    /** " (did you mean 'x'?)" comparing names without case, dashes and underscores, or "". */
    private static String didYouMean(Class<? extends Record> type, String written) {
        List<String> known = names(type);
        List<String> normalised = known.stream().map(OptionBinder::normalise).toList();
        return Suggestions.closest(normalise(written), normalised)
                .map(n -> " (did you mean '" + known.get(normalised.indexOf(n)) + "'?)")
                .orElse("");
    }

    private static String normalise(String name) {
        return name.replace("-", "").replace("_", "").toLowerCase(Locale.ROOT);
    }

    private static Object convert(RecordComponent c, Object value) {
        Class<?> t = c.getType();
        String name = c.getName();
        if (value == null) {
            if (t.isPrimitive()) {
                throw GenloomException.invalidInput("option " + name + " needs a value");
            }
            return null;
        }
        if (t.isEnum() && t.isInstance(value)) {
            return value;
        }
        try {
            if (t == int.class || t == Integer.class) {
                return toLong(value, name, Integer.MIN_VALUE, Integer.MAX_VALUE).intValue();
            }
            if (t == long.class || t == Long.class) {
                return toLong(value, name, Long.MIN_VALUE, Long.MAX_VALUE);
            }
            if (t == double.class || t == Double.class) {
                return value instanceof Number n ? n.doubleValue() : Double.parseDouble(text(value, name));
            }
            if (t == float.class || t == Float.class) {
                return value instanceof Number n ? n.floatValue() : Float.parseFloat(text(value, name));
            }
            if (t == boolean.class || t == Boolean.class) {
                if (value instanceof Boolean b) {
                    return b;
                }
                String s = text(value, name).toLowerCase(Locale.ROOT);
                if (s.equals("true") || s.equals("yes") || s.equals("on")) {
                    return true;
                }
                if (s.equals("false") || s.equals("no") || s.equals("off")) {
                    return false;
                }
                throw GenloomException.invalidInput("option " + name + " must be true or false, got '" + value + "'");
            }
            if (t == String.class) {
                return text(value, name);
            }
            if (t == Image.class) {
                return value instanceof Image image ? image : Image.read(Path.of(text(value, name)));
            }
            if (t.isEnum()) {
                String s = text(value, name);
                for (Object constant : t.getEnumConstants()) {
                    if (((Enum<?>) constant).name().equalsIgnoreCase(s.replace('-', '_'))) {
                        return constant;
                    }
                }
                List<String> choices = new ArrayList<>();
                for (Object constant : t.getEnumConstants()) {
                    choices.add(((Enum<?>) constant).name().toLowerCase(Locale.ROOT));
                }
                throw GenloomException.invalidInput("option " + name + " must be one of " + String.join(", ", choices)
                        + ", got '" + s + "'");
            }
            if (t == List.class && isListOfString(c.getGenericType())) {
                List<String> out = new ArrayList<>();
                if (value instanceof Collection<?> items) {
                    for (Object item : items) {
                        out.add(text(item, name));
                    }
                } else {
                    out.add(text(value, name));
                }
                return out;
            }
        } catch (NumberFormatException e) {
            throw GenloomException.invalidInput("option " + name + " must be a number, got '" + value + "'");
        } catch (InvalidPathException e) {
            throw GenloomException.invalidInput("option " + name + " must be the path of an image file, got '" + value
                    + "': " + e.getReason());
        }
        throw new IllegalStateException("options of type " + t + " are not supported (" + name + ")");
    }

    private static Long toLong(Object value, String name, long min, long max) {
        long v;
        if (value instanceof Number n) {
            if (n.doubleValue() != Math.rint(n.doubleValue())) {
                throw GenloomException.invalidInput("option " + name + " must be a whole number, got " + value);
            }
            // longValue() wraps a BigInteger and saturates a double: check the range first.
            if (new BigDecimal(n.toString()).compareTo(BigDecimal.valueOf(min)) < 0
                    || new BigDecimal(n.toString()).compareTo(BigDecimal.valueOf(max)) > 0) {
                throw GenloomException.invalidInput("option " + name + " is out of range: " + value);
            }
            v = n.longValue();
        } else {
            try {
                v = Long.parseLong(text(value, name).trim());
            } catch (NumberFormatException e) {
                throw GenloomException.invalidInput("option " + name + " must be a whole number, got '" + value + "'");
            }
        }
        if (v < min || v > max) {
            throw GenloomException.invalidInput("option " + name + " is out of range: " + v);
        }
        return v;
    }

    private static String text(Object value, String name) {
        if (value instanceof String s) {
            return s;
        }
        if (value instanceof Number || value instanceof Boolean) {
            return value.toString();
        }
        throw GenloomException.invalidInput("option " + name + " must be a single value, got " + value);
    }

    private static boolean isListOfString(Type type) {
        return type instanceof ParameterizedType p && p.getActualTypeArguments()[0] == String.class;
    }
}
