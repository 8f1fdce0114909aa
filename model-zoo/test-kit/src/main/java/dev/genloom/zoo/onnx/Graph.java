package dev.genloom.zoo.onnx;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A computation graph ({@code GraphProto}) built fluently: declared inputs and outputs,
 * initializers (constant weights) and nodes in topological order. The same graph type serves
 * as a subgraph (an attribute of {@code If}, {@code Loop}, ...), which may read values of the
 * enclosing graph by name and usually declares no inputs.
 *
 * <p>Dims of inputs and outputs are {@link Long}/{@link Integer} (fixed), {@link String}
 * (named dynamic axis) or {@link Dim}. Names are checked for clashes as they are added.
 *
 * <pre>{@code
 * Graph g = new Graph("echo");
 * g.input("x", ElementType.FLOAT, "n");
 * g.initializer("scale", Tensor.floats(new float[] {2f}, 1));
 * g.node("Mul", List.of("x", "scale"), List.of("y"));
 * g.output("y", ElementType.FLOAT, "n");
 * }</pre>
 */
public final class Graph {

    private final String name;
    private final List<ValueInfo> inputs = new ArrayList<>();
    private final List<ValueInfo> outputs = new ArrayList<>();
    private final List<ValueInfo> valueInfos = new ArrayList<>();
    private final List<Tensor> initializers = new ArrayList<>();
    private final List<Node> nodes = new ArrayList<>();
    private final Set<String> inputNames = new HashSet<>();
    private final Set<String> initializerNames = new HashSet<>();
    private final Set<String> nodeOutputs = new HashSet<>();
    private final Set<String> outputNames = new HashSet<>();
    private String docString = "";

    public Graph(String name) {
        this.name = Objects.requireNonNull(name, "graph name");
    }

    // ---------------------------------------------------------------- building

    /** Declares a graph input; no dims declares a scalar. */
    public Graph input(String valueName, ElementType type, Object... dims) {
        return input(ValueInfo.of(valueName, type, dims));
    }

    /** Declares a graph input. */
    public Graph input(ValueInfo value) {
        if (!inputNames.add(value.name())) {
            throw new IllegalArgumentException("graph " + name + " already has an input named " + value.name());
        }
        if (nodeOutputs.contains(value.name())) {
            throw new IllegalArgumentException("graph " + name + ": input " + value.name() + " is also a node output");
        }
        inputs.add(value);
        return this;
    }

    /** Declares a graph output; no dims declares a scalar. */
    public Graph output(String valueName, ElementType type, Object... dims) {
        return output(ValueInfo.of(valueName, type, dims));
    }

    /** Declares a graph output (use {@link ValueInfo#unknownShape} to leave the shape open). */
    public Graph output(ValueInfo value) {
        if (!outputNames.add(value.name())) {
            throw new IllegalArgumentException("graph " + name + " already has an output named " + value.name());
        }
        outputs.add(value);
        return this;
    }

    /** Declares the type of an intermediate value ({@code value_info}). */
    public Graph valueInfo(String valueName, ElementType type, Object... dims) {
        return valueInfo(ValueInfo.of(valueName, type, dims));
    }

    /** Declares the type of an intermediate value ({@code value_info}). */
    public Graph valueInfo(ValueInfo value) {
        valueInfos.add(value);
        return this;
    }

    /** Adds a constant weight under {@code valueName} (the tensor's own name is replaced). */
    public Graph initializer(String valueName, Tensor value) {
        Objects.requireNonNull(valueName, "initializer name");
        if (valueName.isEmpty()) {
            throw new IllegalArgumentException("an initializer needs a name");
        }
        if (!initializerNames.add(valueName)) {
            throw new IllegalArgumentException("graph " + name + " already has an initializer named " + valueName);
        }
        if (nodeOutputs.contains(valueName)) {
            throw new IllegalArgumentException("graph " + name + ": initializer " + valueName + " is also a node output");
        }
        initializers.add(value.named(valueName));
        return this;
    }

    /** Adds a named tensor as a constant weight. */
    public Graph initializer(Tensor value) {
        if (value.name() == null) {
            throw new IllegalArgumentException("an initializer needs a name: use initializer(name, tensor)");
        }
        return initializer(value.name(), value);
    }

    /**
     * Appends a node calling {@code opType} (ONNX domain) and returns it, so that it can be given
     * a name, domain or more attributes. Nodes are named {@code <opType>_<index>} unless renamed.
     */
    public Node node(String opType, List<String> in, List<String> out, Attribute... attributes) {
        for (String o : out) {
            if (o.isEmpty()) {
                continue;                                   // an omitted optional output
            }
            if (nodeOutputs.contains(o) || inputNames.contains(o) || initializerNames.contains(o)) {
                throw new IllegalArgumentException("graph " + name + ": value " + o + " is already defined;"
                        + " node " + opType + " cannot produce it again");
            }
        }
        Node node = new Node(opType, in, out, opType + "_" + nodes.size());
        node.attr(attributes);
        for (String o : out) {
            if (!o.isEmpty()) {
                nodeOutputs.add(o);
            }
        }
        nodes.add(node);
        return node;
    }

    /** Appends a node with a single input and a single output. */
    public Node node(String opType, String in, String out, Attribute... attributes) {
        return node(opType, List.of(in), List.of(out), attributes);
    }

    public Graph docString(String doc) {
        this.docString = Objects.requireNonNull(doc, "doc_string");
        return this;
    }

    // ---------------------------------------------------------------- reading

    public String name() {
        return name;
    }

    public List<ValueInfo> inputs() {
        return Collections.unmodifiableList(inputs);
    }

    public List<ValueInfo> outputs() {
        return Collections.unmodifiableList(outputs);
    }

    public List<ValueInfo> valueInfos() {
        return Collections.unmodifiableList(valueInfos);
    }

    public List<Tensor> initializers() {
        return Collections.unmodifiableList(initializers);
    }

    public List<Node> nodes() {
        return Collections.unmodifiableList(nodes);
    }

    /** This graph alone, encoded as a {@code GraphProto}. */
    public byte[] toBytes() {
        ProtoWriter w = new ProtoWriter();
        writeTo(w);
        return w.toByteArray();
    }

    void writeTo(ProtoWriter w) {
        writeHeadTo(w);
        for (Tensor t : initializers) {
            w.message(OnnxFields.Graph.INITIALIZER, t::writeTo);
        }
        writeTailTo(w);
    }

    /** The fields written before the initializers (nodes, name). */
    void writeHeadTo(ProtoWriter w) {
        for (Node n : nodes) {
            w.message(OnnxFields.Graph.NODE, n::writeTo);
        }
        w.string(OnnxFields.Graph.NAME, name);
    }

    /** The fields written after the initializers (doc string, inputs, outputs, value infos). */
    void writeTailTo(ProtoWriter w) {
        if (!docString.isEmpty()) {
            w.string(OnnxFields.Graph.DOC_STRING, docString);
        }
        for (ValueInfo v : inputs) {
            w.message(OnnxFields.Graph.INPUT, v::writeTo);
        }
        for (ValueInfo v : outputs) {
            w.message(OnnxFields.Graph.OUTPUT, v::writeTo);
        }
        for (ValueInfo v : valueInfos) {
            w.message(OnnxFields.Graph.VALUE_INFO, v::writeTo);
        }
    }

    @Override
    public String toString() {
        return "Graph[" + name + ": " + inputs + " -> " + outputs + ", " + nodes.size() + " nodes]";
    }
}
