package dev.genloom.runtime.pipeline;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A YAML value with the place it was written: a scalar, a mapping (keys kept in order, each with
 * its own place) or a sequence. Lines and columns are 1-based.
 */
sealed interface YamlNode {

    int line();

    int column();

    /** What kind of value this is, for messages: "a text", "a mapping", "a list". */
    String describe();

    /** The value as plain Java: scalars as they were typed, mappings as maps, sequences as lists. */
    Object toJava();

    /**
     * A scalar. {@code value} is a String, Boolean, Number or null (for {@code ~} or nothing);
     * {@code text} is the scalar as written.
     */
    record Scalar(Object value, String text, int line, int column) implements YamlNode {
        boolean isNull() {
            return value == null;
        }

        boolean isString() {
            return value instanceof String;
        }

        @Override
        public String describe() {
            if (value == null) {
                return "nothing";
            }
            if (value instanceof String) {
                return "a text";
            }
            if (value instanceof Boolean) {
                return "a boolean";
            }
            return "a number";
        }

        @Override
        public Object toJava() {
            return value;
        }
    }

    /**
     * An alias ({@code *name}). Pipeline documents do not support them; the reader reports each
     * one, and validation says nothing more about the value.
     */
    record Alias(String name, int line, int column) implements YamlNode {
        @Override
        public String describe() {
            return "an alias";
        }

        @Override
        public Object toJava() {
            return null;
        }
    }

    /** A key of a mapping, where it was written, and its value. */
    record Entry(String key, int line, int column, YamlNode value) {
    }

    record Mapping(Map<String, Entry> entries, int line, int column) implements YamlNode {
        public Mapping {
            entries = Collections.unmodifiableMap(new LinkedHashMap<>(entries));
        }

        Entry entry(String key) {
            return entries.get(key);
        }

        YamlNode get(String key) {
            Entry e = entries.get(key);
            return e == null ? null : e.value();
        }

        @Override
        public String describe() {
            return "a mapping";
        }

        @Override
        public Object toJava() {
            Map<String, Object> out = new LinkedHashMap<>();
            entries.forEach((k, e) -> out.put(k, e.value().toJava()));
            return out;
        }
    }

    record Sequence(List<YamlNode> items, int line, int column) implements YamlNode {
        public Sequence {
            items = List.copyOf(items);
        }

        @Override
        public String describe() {
            return "a list";
        }

        @Override
        public Object toJava() {
            List<Object> out = new ArrayList<>();
            for (YamlNode item : items) {
                out.add(item.toJava());
            }
            return out;
        }
    }
}
