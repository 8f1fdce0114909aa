package dev.genloom.spi.onnx;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.genloom.api.ErrorKind;
import dev.genloom.api.GenloomException;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks the inputs and outputs of one ONNX file against what a family expects, and refuses a file
 * that does not fit with one {@code MODEL_INCOMPATIBLE} {@link GenloomException} that names the
 * file and lists every problem at once: the tensors that are missing (with what was expected),
 * the inputs nobody expects (with what they are), the tensors of the wrong element type or rank
 * (with what they are and what was expected), then the names the file has.
 *
 * <pre>{@code
 * TensorSpec ids = TensorSpec.of(OnnxJavaType.INT64, OnnxJavaType.INT32).rank(2);
 * TensorSpec cache = TensorSpec.of(OnnxJavaType.FLOAT, OnnxJavaType.FLOAT16).rank(4);
 * Signature s = Signature.of(session, file)
 *         .describedAs("the gpt family (decoder-only export)")
 *         .hint("export it with optimum-cli export onnx --task text-generation-with-past")
 *         .requireInput("input_ids", ids)
 *         .optionalInput("position_ids", ids)
 *         .requireInputsMatching("past_key_values.%d.key", cache)
 *         .requireOutput("logits", TensorSpec.of(OnnxJavaType.FLOAT, OnnxJavaType.FLOAT16).rank(3))
 *         .requireOutputsMatching("present.%d.key", cache)
 *         .check();
 * int layers = s.indexedCount();
 * OnnxJavaType idType = s.input("input_ids").type;
 * }</pre>
 *
 * A message reads:
 * <pre>
 * /models/x/onnx/model.onnx does not fit the gpt family (decoder-only export): missing input input_ids
 * (int64 or int32, rank 2), output logits (float or float16, rank 3); unexpected input x (float [n]);
 * input past_key_values.0.key is float [batch, 64], expected float or float16, rank 4; it has inputs
 * [x, past_key_values.0.key] and outputs [y, present.0.key]
 * </pre>
 *
 * <p><b>Inputs</b> must all be expected: one the caller does not declare (required or optional)
 * is unexpected, since a session cannot run without a value for it. <b>Outputs</b> the caller
 * does not declare are fine (a session computes only those asked for).
 *
 * <p><b>Indexed names</b> ({@code past_key_values.%d.key}, one {@code %d} each) stand for the
 * names at indices 0 to n-1, n shared by every indexed pattern of the signature, inputs and
 * outputs alike (the layers of a KV cache): the highest index the file has for any of them, plus
 * one, or 1 where the file has none; {@link #expectIndexed(int)} sets n instead (the layers of
 * {@code config.json} where the file has no cache names at all, or the layers of a sibling file).
 * A name at an index past a count so set is unexpected.
 *
 * <p>A signature is built and checked on one thread; the session is only read.
 */
public final class Signature {
    private static final String INDEX = "%d";
    private static final String DEFAULT_SUBJECT = "the expected signature";

    private final Path file;
    private final Map<String, NodeInfo> inputs;
    private final Map<String, NodeInfo> outputs;
    private final List<Expected> expected = new ArrayList<>();
    private final List<String> otherProblems = new ArrayList<>();
    private String subject = DEFAULT_SUBJECT;
    private String hint;
    private int fixedCount = -1;

    /** One declared tensor or indexed family of tensors. */
    private record Expected(boolean input, String name, Pattern pattern, boolean required, TensorSpec spec) {
        boolean indexed() {
            return pattern != null;
        }

        String at(int index) {
            return name.replace(INDEX, Integer.toString(index));
        }

        String kind() {
            return input ? "input" : "output";
        }
    }

    private Signature(Map<String, NodeInfo> inputs, Map<String, NodeInfo> outputs, Path file) {
        this.inputs = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(inputs, "inputs")));
        this.outputs = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(outputs, "outputs")));
        this.file = Objects.requireNonNull(file, "file");
    }

    /**
     * The signature of an open session.
     *
     * @param session the session of {@code file}
     * @param file    the ONNX file, named in every message
     * @throws GenloomException {@code MODEL_INCOMPATIBLE} where ONNX Runtime cannot give the
     *                          inputs and outputs
     */
    public static Signature of(OrtSession session, Path file) {
        Objects.requireNonNull(session, "session");
        try {
            return new Signature(session.getInputInfo(), session.getOutputInfo(), file);
        } catch (OrtException e) {
            throw new GenloomException(ErrorKind.MODEL_INCOMPATIBLE, "cannot read the signature of " + file + ": "
                    + e.getMessage(), null, e);
        }
    }

    /** The signature of inputs and outputs already read ({@link OrtSession#getInputInfo()}, ...). */
    public static Signature of(Map<String, NodeInfo> inputs, Map<String, NodeInfo> outputs, Path file) {
        return new Signature(inputs, outputs, file);
    }

    // ---- what is expected -----------------------------------------------------------------------

    /**
     * What the file should fit, as the message says it: {@code <file> does not fit <subject>: ...}
     * ({@code "the whisper family"}, {@code "Silero VAD v5"}). Default: the expected signature.
     */
    public Signature describedAs(String subject) {
        this.subject = requireText(subject, "subject");
        return this;
    }

    /** What to do about a file that does not fit, the hint of the exception (an export command, say). */
    public Signature hint(String hint) {
        this.hint = hint;
        return this;
    }

    /** An input the file must have. */
    public Signature requireInput(String name, TensorSpec spec) {
        return add(true, name, false, true, spec);
    }

    /** An input the file may have; where it has it, it must fit {@code spec}. */
    public Signature optionalInput(String name, TensorSpec spec) {
        return add(true, name, false, false, spec);
    }

    /** An output the file must have. */
    public Signature requireOutput(String name, TensorSpec spec) {
        return add(false, name, false, true, spec);
    }

    /** An output the file may have; where it has it, it must fit {@code spec}. */
    public Signature optionalOutput(String name, TensorSpec spec) {
        return add(false, name, false, false, spec);
    }

    /**
     * Inputs {@code pattern} names at each index below the {@linkplain #indexedCount() shared
     * count}: {@code past_key_values.%d.key} stands for {@code past_key_values.0.key},
     * {@code past_key_values.1.key}, ...
     */
    public Signature requireInputsMatching(String pattern, TensorSpec spec) {
        return add(true, pattern, true, true, spec);
    }

    /** Outputs {@code pattern} names at each index below the {@linkplain #indexedCount() shared count}. */
    public Signature requireOutputsMatching(String pattern, TensorSpec spec) {
        return add(false, pattern, true, true, spec);
    }

    /**
     * Sets how many names each indexed pattern stands for, instead of counting them in the file:
     * the names at indices 0 to {@code count - 1} are required, a name at a higher index of an
     * input pattern is unexpected.
     */
    public Signature expectIndexed(int count) {
        if (count < 0) {
            throw new IllegalArgumentException("an indexed count is 0 or more, not " + count);
        }
        this.fixedCount = count;
        return this;
    }

    /**
     * A problem the caller found itself, listed with the others ({@code config.json says 4 layers,
     * the graph has 2}).
     */
    public Signature problem(String problem) {
        otherProblems.add(requireText(problem, "problem"));
        return this;
    }

    private Signature add(boolean input, String name, boolean indexed, boolean required, TensorSpec spec) {
        requireText(name, "name");
        Objects.requireNonNull(spec, "spec");
        Pattern pattern = null;
        int at = name.indexOf(INDEX);
        if (indexed) {
            if (at < 0 || name.indexOf(INDEX, at + 1) >= 0) {
                throw new IllegalArgumentException("an indexed name has one " + INDEX + ", not '" + name + "'");
            }
            pattern = Pattern.compile(Pattern.quote(name.substring(0, at)) + "(0|[1-9][0-9]{0,8})"
                    + Pattern.quote(name.substring(at + INDEX.length())));
        }
        for (Expected e : expected) {
            if (e.input == input && e.name.equals(name)) {
                throw new IllegalArgumentException((input ? "input " : "output ") + name + " is declared twice");
            }
        }
        expected.add(new Expected(input, name, pattern, required, spec));
        return this;
    }

    // ---- checking -------------------------------------------------------------------------------

    /**
     * The number of names the file has for the indexed patterns: the highest index of any of them
     * plus one, 0 where it has none (whatever {@link #expectIndexed(int)} says).
     */
    public int foundIndexed() {
        int found = 0;
        for (Expected e : expected) {
            if (e.indexed()) {
                for (String name : (e.input ? inputs : outputs).keySet()) {
                    Matcher m = e.pattern.matcher(name);
                    if (m.matches()) {
                        found = Math.max(found, Integer.parseInt(m.group(1)) + 1);
                    }
                }
            }
        }
        return found;
    }

    /**
     * The number of names each indexed pattern stands for: the count set by
     * {@link #expectIndexed(int)}, else {@link #foundIndexed()}, at least 1; 0 where no indexed
     * pattern is declared.
     */
    public int indexedCount() {
        if (expected.stream().noneMatch(Expected::indexed)) {
            return 0;
        }
        return fixedCount >= 0 ? fixedCount : Math.max(foundIndexed(), 1);
    }

    /**
     * Every problem, one phrase each, in the order the message lists them: {@code missing input
     * input_ids (int64 or int32, rank 2)}, {@code unexpected input x (float [n])}, {@code input sr
     * is float scalar, expected int64}, then those given to {@link #problem(String)}. Empty where
     * the file fits.
     */
    public List<String> problems() {
        Findings f = findings();
        List<String> out = new ArrayList<>();
        f.missing.forEach(m -> out.add("missing " + m));
        f.unexpected.forEach(u -> out.add("unexpected " + u));
        out.addAll(f.wrong);
        out.addAll(otherProblems);
        return out;
    }

    /**
     * Refuses a file that does not fit.
     *
     * @return this signature, to read the tensors from
     * @throws GenloomException {@code MODEL_INCOMPATIBLE} naming the file and every problem
     */
    public Signature check() {
        Findings f = findings();
        if (f.missing.isEmpty() && f.unexpected.isEmpty() && f.wrong.isEmpty() && otherProblems.isEmpty()) {
            return this;
        }
        List<String> parts = new ArrayList<>();
        if (!f.missing.isEmpty()) {
            parts.add("missing " + String.join(", ", f.missing));
        }
        if (!f.unexpected.isEmpty()) {
            parts.add("unexpected " + String.join(", ", f.unexpected));
        }
        parts.addAll(f.wrong);
        parts.addAll(otherProblems);
        parts.add("it has inputs " + inputs.keySet() + " and outputs " + outputs.keySet());
        throw new GenloomException(ErrorKind.MODEL_INCOMPATIBLE, prefix() + String.join("; ", parts), hint, null);
    }

    /**
     * A {@code MODEL_INCOMPATIBLE} exception for a problem found after {@link #check()} (a size
     * that neither the file nor {@code config.json} gives), worded and hinted as check's are.
     */
    public GenloomException incompatible(String what) {
        return new GenloomException(ErrorKind.MODEL_INCOMPATIBLE, prefix() + requireText(what, "what"), hint, null);
    }

    private String prefix() {
        return file + " does not fit " + subject + ": ";
    }

    /** What is missing, unexpected and wrong, each list in message order. */
    private record Findings(List<String> missing, List<String> unexpected, List<String> wrong) {
    }

    private Findings findings() {
        int count = indexedCount();
        List<String> missingInputs = new ArrayList<>();
        List<String> missingOutputs = new ArrayList<>();
        List<String> wrong = new ArrayList<>();
        for (Expected e : expected) {
            Map<String, NodeInfo> nodes = e.input ? inputs : outputs;
            List<String> names = new ArrayList<>();
            if (e.indexed()) {
                for (int i = 0; i < count; i++) {
                    names.add(e.at(i));
                }
            } else {
                names.add(e.name);
            }
            for (String name : names) {
                NodeInfo node = nodes.get(name);
                if (node == null) {
                    if (e.required) {
                        String spec = e.spec.describe();
                        (e.input ? missingInputs : missingOutputs).add(e.kind() + " " + name
                                + (spec.isEmpty() ? "" : " (" + spec + ")"));
                    }
                } else if (!(node.getInfo() instanceof TensorInfo t)) {
                    wrong.add(e.kind() + " " + name + " is not a tensor (" + node.getInfo() + "), expected "
                            + e.spec);
                } else if (!e.spec.accepts(t)) {
                    wrong.add(e.kind() + " " + name + " is " + TensorSpec.describe(t) + ", expected " + e.spec);
                }
            }
        }
        List<String> unexpected = new ArrayList<>();
        for (String name : new TreeSet<>(inputs.keySet())) {
            if (!expectedInput(name, count)) {
                NodeInfo node = inputs.get(name);
                unexpected.add("input " + name + " (" + (node.getInfo() instanceof TensorInfo t
                        ? TensorSpec.describe(t) : String.valueOf(node.getInfo())) + ")");
            }
        }
        List<String> missing = new ArrayList<>(missingInputs);
        missing.addAll(missingOutputs);
        return new Findings(missing, unexpected, wrong);
    }

    private boolean expectedInput(String name, int count) {
        for (Expected e : expected) {
            if (!e.input) {
                continue;
            }
            if (!e.indexed()) {
                if (e.name.equals(name)) {
                    return true;
                }
            } else {
                Matcher m = e.pattern.matcher(name);
                if (m.matches() && Integer.parseInt(m.group(1)) < count) {
                    return true;
                }
            }
        }
        return false;
    }

    // ---- reading what was checked ---------------------------------------------------------------

    /** The file the signature is of. */
    public Path file() {
        return file;
    }

    /** Every input of the file, in its order. */
    public Map<String, NodeInfo> inputs() {
        return inputs;
    }

    /** Every output of the file, in its order. */
    public Map<String, NodeInfo> outputs() {
        return outputs;
    }

    /** Whether the file has an input of that name. */
    public boolean hasInput(String name) {
        return inputs.containsKey(name);
    }

    /** Whether the file has an output of that name. */
    public boolean hasOutput(String name) {
        return outputs.containsKey(name);
    }

    /**
     * The tensor an input is (its element type, shape and dimension names).
     *
     * @throws IllegalArgumentException where the file has no tensor input of that name (a
     *                                  required input after {@link #check()} always is one)
     */
    public TensorInfo input(String name) {
        return tensor(inputs, "input", name);
    }

    /**
     * The tensor an output is.
     *
     * @throws IllegalArgumentException where the file has no tensor output of that name
     */
    public TensorInfo output(String name) {
        return tensor(outputs, "output", name);
    }

    private TensorInfo tensor(Map<String, NodeInfo> nodes, String kind, String name) {
        NodeInfo node = nodes.get(name);
        if (node != null && node.getInfo() instanceof TensorInfo t) {
            return t;
        }
        throw new IllegalArgumentException(file + " has no tensor " + kind + " " + name);
    }

    private static String requireText(String text, String what) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException(what + " is blank");
        }
        return text;
    }

    @Override
    public String toString() {
        return "Signature of " + file + ": inputs " + inputs.keySet() + ", outputs " + outputs.keySet();
    }
}
