package dev.genloom.spi;

import java.lang.invoke.MethodType;
import dev.genloom.api.GenloomException;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Reads load options as typed values, the way {@link ModelContext#option(String, Class)} does:
 * from what YAML gives ({@code cache: false}, {@code threads: 4}) and from text as the command
 * line and embedding callers give it ({@code "false"}, {@code "4"}, {@code "0.5"}).
 *
 * <ul>
 *   <li>{@code Boolean}: a boolean; the text {@code true}/{@code false} (also {@code yes}/{@code no},
 *       {@code on}/{@code off}), in any case;</li>
 *   <li>{@code Integer}, {@code Long}: a whole number in range, or its text ({@code "12"},
 *       {@code "1e3"}); {@code 2.0} is 2, {@code 2.5} is refused;</li>
 *   <li>{@code Double}: a finite number, or its decimal text ({@code "0.5"}, {@code "-1e-3"}); not
 *       {@code NaN}, {@code Infinity} or {@code "1d"};</li>
 *   <li>{@code String}: any single value, as its text (a number or a boolean too); not a list or a
 *       mapping;</li>
 *   <li>an enum: the name of a constant, in any case, {@code -} for {@code _} ({@code split},
 *       {@code SPLIT}, {@code max-length}), or its {@code toString()};</li>
 *   <li>a list of text ({@link #strings}): a YAML list of single values, or one text whose items
 *       are separated by commas ({@code "a, b"}); one value is a list of one.</li>
 * </ul>
 *
 * An absent key and a null value read as absent. Anything else is an {@code INVALID_INPUT}
 * {@link GenloomException} naming the option, the model, the value and the form it must have.
 */
public final class LoadOptions {
    private LoadOptions() {
    }

    /**
     * One option as a value of {@code type}: {@code Boolean}, {@code Integer}, {@code Long},
     * {@code Double}, {@code String} or an enum (the primitive classes stand for their boxes).
     *
     * @param options the options ({@link ModelContext#options()})
     * @param key     the option's key
     * @param type    the type to read it as
     * @param model   the model's name, for messages
     * @return the value, or empty where the key is absent or null
     * @throws GenloomException         {@code INVALID_INPUT} where the value has another form
     * @throws IllegalArgumentException for a type not in the list above
     */
    public static <T> Optional<T> get(Map<String, ?> options, String key, Class<T> type, String model) {
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(type, "type");
        Object value = options.get(key);
        if (value == null) {
            return Optional.empty();
        }
        @SuppressWarnings("unchecked")
        Class<T> boxed = (Class<T>) MethodType.methodType(type).wrap().returnType();
        return Optional.of(boxed.cast(convert(value, boxed, key, model)));
    }

    /**
     * One option as a list of text.
     *
     * @return the items, trimmed, without empty ones; empty where the key is absent or null
     * @throws GenloomException {@code INVALID_INPUT} for a mapping, or a list holding lists or mappings
     */
    public static List<String> strings(Map<String, ?> options, String key, String model) {
        Objects.requireNonNull(options, "options");
        Object value = options.get(Objects.requireNonNull(key, "key"));
        List<String> out = new ArrayList<>();
        if (value == null) {
            return out;
        }
        if (value instanceof Collection<?> items) {
            for (Object item : items) {
                if (item == null) {
                    continue;
                }
                if (!isSingle(item)) {
                    throw invalid(key, model, "a list of text", value);
                }
                String s = item.toString().strip();
                if (!s.isEmpty()) {
                    out.add(s);
                }
            }
            return out;
        }
        if (!isSingle(value)) {
            throw invalid(key, model, "a list of text", value);
        }
        for (String s : value.toString().split(",")) {
            if (!s.isBlank()) {
                out.add(s.strip());
            }
        }
        return out;
    }


    private static Object convert(Object value, Class<?> type, String key, String model) {
        if (type == Boolean.class) {
            return toBoolean(value, key, model);
        }
        if (type == Integer.class) {
            return toWhole(value, key, model, Integer.MIN_VALUE, Integer.MAX_VALUE).intValue();
        }
        if (type == Long.class) {
            return toWhole(value, key, model, Long.MIN_VALUE, Long.MAX_VALUE);
        }
        if (type == Double.class) {
            return toDouble(value, key, model);
        }
        if (type == String.class) {
            if (!isSingle(value)) {
                throw invalid(key, model, "a single value", value);
            }
            return value.toString();
        }
        if (type.isEnum()) {
            return toEnum(value, type, key, model);
        }
        throw new IllegalArgumentException("load options of type " + type.getName() + " are not supported; read "
                + key + " as Boolean, Integer, Long, Double, String, an enum, or with strings()");
    }

    private static Boolean toBoolean(Object value, String key, String model) {
        if (value instanceof Boolean b) {
            return b;
        }
        if (value instanceof CharSequence text) {
            switch (text.toString().strip().toLowerCase(Locale.ROOT)) {
                case "true", "yes", "on" -> {
                    return true;
                }
                case "false", "no", "off" -> {
                    return false;
                }
                default -> {
                }
            }
        }
        throw invalid(key, model, "true or false", value);
    }

    private static Long toWhole(Object value, String key, String model, long min, long max) {
        String form = "a whole number";
        BigDecimal d = decimal(value);
        if (d == null) {
            throw invalid(key, model, form, value);
        }
        BigInteger whole;
        try {
            whole = d.toBigIntegerExact();
        } catch (ArithmeticException e) {
            throw invalid(key, model, form, value);
        }
        if (whole.compareTo(BigInteger.valueOf(min)) < 0 || whole.compareTo(BigInteger.valueOf(max)) > 0) {
            throw invalid(key, model, form + " from " + min + " to " + max, value);
        }
        return whole.longValueExact();
    }

    private static Double toDouble(Object value, String key, String model) {
        BigDecimal d = decimal(value);
        if (d == null) {
            throw invalid(key, model, "a number", value);
        }
        double x = d.doubleValue();
        if (Double.isInfinite(x)) {
            throw invalid(key, model, "a number within the range of a double", value);
        }
        return x;
    }

    /** A number, or the text of a decimal number; null for anything else (NaN and infinities too). */
    private static BigDecimal decimal(Object value) {
        try {
            if (value instanceof BigDecimal d) {
                return d;
            }
            if (value instanceof BigInteger i) {
                return new BigDecimal(i);
            }
            if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte) {
                return BigDecimal.valueOf(((Number) value).longValue());
            }
            if (value instanceof Double || value instanceof Float) {
                double x = ((Number) value).doubleValue();
                return Double.isFinite(x) ? new BigDecimal(value.toString()) : null;
            }
            if (value instanceof CharSequence text) {
                String s = text.toString().strip();
                return s.isEmpty() ? null : new BigDecimal(s);
            }
        } catch (NumberFormatException e) {
            return null;
        }
        return null;
    }

    private static Object toEnum(Object value, Class<?> type, String key, String model) {
        if (type.isInstance(value)) {
            return value;
        }
        Object[] constants = type.getEnumConstants();
        if (value instanceof CharSequence text) {
            String s = text.toString().strip();
            for (Object c : constants) {
                Enum<?> e = (Enum<?>) c;
                if (e.name().equalsIgnoreCase(s.replace('-', '_')) || e.toString().equalsIgnoreCase(s)) {
                    return c;
                }
            }
        }
        List<String> names = new ArrayList<>();
        for (Object c : constants) {
            names.add(((Enum<?>) c).name().toLowerCase(Locale.ROOT));
        }
        throw invalid(key, model, "one of " + String.join(", ", names), value);
    }

    /** A scalar: text, a number, a boolean, or another value that is neither a list nor a mapping. */
    private static boolean isSingle(Object value) {
        return !(value instanceof Collection<?>) && !(value instanceof Map<?, ?>) && !value.getClass().isArray();
    }

    private static GenloomException invalid(String key, String model, String form, Object value) {
        String shown;
        if (value instanceof CharSequence) {
            shown = "'" + value + "'";
        } else if (value instanceof Collection<?>) {
            shown = "the list " + value;
        } else if (value instanceof Map<?, ?>) {
            shown = "the mapping " + value;
        } else {
            shown = String.valueOf(value);
        }
        return GenloomException.invalidInput("load option " + key + " of model '" + model + "' must be " + form
                + ", got " + shown, "set " + key + " under options: in the model folder's genloom-model.yaml, or in "
                + "the options it is loaded with, to " + form);
    }
}
