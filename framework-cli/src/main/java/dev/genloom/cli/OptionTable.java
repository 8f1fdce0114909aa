package dev.genloom.cli;

import java.lang.invoke.MethodType;
import dev.genloom.api.task.Task;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The command-line options of a task's options record, each declared once, by the name of its
 * record component: the option's name is that name in kebab case ({@code maxNewTokens} is
 * {@code --max-new-tokens}), its type is the component's, and its value reaches the record under
 * that name through the task's {@link dev.genloom.api.task.OptionBinder}, the same way a pipeline's
 * {@code options:} do. A name that is not a component of the record fails when the table is built,
 * so the command line, the record and the pipeline documents cannot disagree. A new option is one
 * line:
 *
 * <pre>{@code
 * static final OptionTable<ImageOptions> OPTIONS = OptionTable.of(Tasks.TEXT_TO_IMAGE)
 *         .option("steps", "N", "denoising steps")
 *         .option("guidanceScale", "G", "classifier-free guidance scale", "--guidance");
 * }</pre>
 *
 * A {@code Boolean} or {@code boolean} component is a flag with a {@code --no-} form (left to the
 * record's default when neither is given: null, the model's, for a {@code Boolean}); a {@code List<String>} a repeatable option;
 * an enum takes its constants' names in any case; an image its file. Options not given are left out, so the record
 * keeps its defaults.
 *
 * @param <O> the options record
 */
final class OptionTable<O extends Record> {
    private final Task<?, O> task;
    private final List<Entry> entries = new ArrayList<>();

    private record Entry(RecordComponent component, String name, String label, String description,
                         List<String> aliases, String split) {
    }

    private OptionTable(Task<?, O> task) {
        this.task = task;
    }

    /** An empty table for the options record of a task. */
    static <O extends Record> OptionTable<O> of(Task<?, O> task) {
        return new OptionTable<>(task);
    }

    /**
     * Declares the option of one record component.
     *
     * @param component   the record component, as the record spells it
     * @param label       what the value is called in the usage ({@code N}); unused for flags
     * @param description one line for the usage
     * @param aliases     further names of the option ({@code -l}, or an older spelling kept working)
     * @throws IllegalArgumentException where the record has no such component, or it is declared twice
     */
    OptionTable<O> option(String component, String label, String description, String... aliases) {
        RecordComponent c = Arrays.stream(task.optionsType().getRecordComponents())
                .filter(rc -> rc.getName().equals(component)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException(task.optionsType().getSimpleName() + " has no component '"
                        + component + "'; its components are " + String.join(", ", task.optionNames())));
        if (entries.stream().anyMatch(e -> e.component().getName().equals(component))) {
            throw new IllegalArgumentException("option " + component + " is declared twice");
        }
        entries.add(new Entry(c, optionName(component), label, description, List.of(aliases), null));
        return this;
    }

    /** The last option declared also takes several values in one, split at this regular expression. */
    OptionTable<O> split(String regex) {
        Entry last = entries.remove(entries.size() - 1);
        entries.add(new Entry(last.component(), last.name(), last.label(), last.description(), last.aliases(), regex));
        return this;
    }

    /** The task whose options record this table fills. */
    Task<?, O> task() {
        return task;
    }

    /** The record components declared, in declaration order. */
    List<String> components() {
        return entries.stream().map(e -> e.component().getName()).toList();
    }

    /** The option name of a record component ({@code --max-new-tokens} for {@code maxNewTokens}). */
    static String optionName(String component) {
        return "--" + kebab(component);
    }

    /** Adds the table's options to a command (called once per command instance, as picocli builds it). */
    void declare(CommandSpec spec) {
        for (Entry e : entries) {
            List<String> names = new ArrayList<>(e.aliases());
            names.add(0, e.name());
            OptionSpec.Builder b = OptionSpec.builder(names.toArray(String[]::new)).description(e.description());
            Class<?> type = e.component().getType();
            if (type == boolean.class || type == Boolean.class) {
                b.type(Boolean.class).arity("0").negatable(true);
            } else if (type == List.class) {
                b.type(List.class).auxiliaryTypes(elementType(e.component())).paramLabel(e.label());
            } else if (type.isEnum() || !(type.isPrimitive() || Number.class.isAssignableFrom(type) || type == String.class)) {
                // the binder takes the constants' names in any case, and lists them when one is wrong;
                // a value of another type (an image) is given as text (its file) for the binder to read
                b.type(String.class).paramLabel(e.label());
            } else {
                b.type(MethodType.methodType(type).wrap().returnType()).paramLabel(e.label());
            }
            if (e.split() != null) {
                b.splitRegex(e.split());
            }
            spec.addOption(b.build());
        }
    }

    /** The options given on the command line, by record component name; those not given left out. */
    Map<String, Object> given(CommandSpec spec) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Entry e : entries) {
            OptionSpec o = spec.findOption(e.name());
            if (o == null) {
                throw new IllegalStateException(e.name() + " was not declared on " + spec.qualifiedName());
            }
            Object value = o.getValue();
            if (value != null) {
                out.put(e.component().getName(), value);
            }
        }
        return out;
    }

    /** The options record: the task's defaults with the options given in place. */
    O bind(CommandSpec spec) {
        return task.options(given(spec));
    }

    /** The options record with the options given, and some set by the command itself, in place. */
    O bind(CommandSpec spec, Map<String, ?> overrides) {
        Map<String, Object> values = given(spec);
        values.putAll(overrides);
        return task.options(values);
    }

    private static String kebab(String camel) {
        StringBuilder b = new StringBuilder();
        for (char ch : camel.toCharArray()) {
            if (Character.isUpperCase(ch)) {
                b.append('-').append(Character.toLowerCase(ch));
            } else {
                b.append(ch);
            }
        }
        return b.toString().toLowerCase(Locale.ROOT);
    }

    private static Class<?> elementType(RecordComponent c) {
        if (c.getGenericType() instanceof ParameterizedType p && p.getActualTypeArguments()[0] instanceof Class<?> k) {
            return k;
        }
        return String.class;
    }

}
