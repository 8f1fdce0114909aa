package dev.genloom.plugins.diffusion.scheduler;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The type and range of one scheduler config key: reads a JSON value into its Java value
 * ({@link Integer}, {@link Double}, {@link Boolean}, {@link String}, {@code double[]} or an enum
 * constant), or says what was expected.
 */
abstract class ValueKind {

    /** The Java value of a JSON value (never JSON null: absent keys are handled before). */
    abstract Object read(JsonNode node) throws BadValue;

    /** Why a value does not fit: what was expected. */
    static final class BadValue extends Exception {
        private static final long serialVersionUID = 1L;

        BadValue(String expected) {
            super(expected, null, false, false);
        }
    }

    static ValueKind integer(int min, int max) {
        return new ValueKind() {
            @Override
            Object read(JsonNode node) throws BadValue {
                if (!node.isNumber() || !node.canConvertToExactIntegral() || !node.canConvertToInt()
                        || node.intValue() < min || node.intValue() > max) {
                    throw new BadValue("an integer from " + min + " to " + max);
                }
                return node.intValue();
            }
        };
    }

    /** A number in [min, max] (infinities allowed where the bounds are). */
    static ValueKind number(double min, double max, boolean minOpen) {
        return new ValueKind() {
            @Override
            Object read(JsonNode node) throws BadValue {
                double v = node.isNumber() ? node.doubleValue() : Double.NaN;
                if (Double.isNaN(v) || v < min || v > max || (minOpen && v == min)) {
                    String low = min == Double.NEGATIVE_INFINITY ? "" : (minOpen ? " above " : " from ") + min;
                    String high = max >= Double.MAX_VALUE ? "" : (low.isEmpty() ? " up to " : " and at most ") + max;
                    throw new BadValue("a number" + low + high);
                }
                return v;
            }
        };
    }

    static ValueKind bool() {
        return new ValueKind() {
            @Override
            Object read(JsonNode node) throws BadValue {
                if (!node.isBoolean()) {
                    throw new BadValue("true or false");
                }
                return node.booleanValue();
            }
        };
    }

    /** An array of betas, each in (0, 1). */
    static ValueKind betas() {
        return new ValueKind() {
            @Override
            Object read(JsonNode node) throws BadValue {
                BadValue bad = new BadValue("an array of at least 2 numbers, each above 0 and below 1");
                if (!node.isArray() || node.size() < 2) {
                    throw bad;
                }
                double[] out = new double[node.size()];
                for (int i = 0; i < out.length; i++) {
                    JsonNode e = node.get(i);
                    if (!e.isNumber() || !(e.doubleValue() > 0 && e.doubleValue() < 1)) {
                        throw bad;
                    }
                    out[i] = e.doubleValue();
                }
                return out;
            }
        };
    }

    /** One of the words diffusers knows for the key. */
    static ValueKind words(String... words) {
        List<String> known = List.of(words);
        return new ValueKind() {
            @Override
            Object read(JsonNode node) throws BadValue {
                if (!node.isTextual() || !known.contains(node.textValue())) {
                    throw new BadValue("one of " + String.join(", ", known));
                }
                return node.textValue();
            }
        };
    }

    /** One of an enum's spellings. */
    static <E extends Enum<E> & ConfigValue> ValueKind choice(Class<E> type) {
        E[] constants = type.getEnumConstants();
        String expected = "one of " + Arrays.stream(constants).map(ConfigValue::json).collect(Collectors.joining(", "));
        return new ValueKind() {
            @Override
            Object read(JsonNode node) throws BadValue {
                if (node.isTextual()) {
                    for (E e : constants) {
                        if (e.json().equals(node.textValue())) {
                            return e;
                        }
                    }
                }
                throw new BadValue(expected);
            }
        };
    }
}
