package dev.genloom.zoo.onnx;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * One operator call in a graph ({@code NodeProto}). Made by {@link Graph#node}; the returned
 * node can be given a name, a domain and further attributes fluently.
 * An empty string among the inputs marks an omitted optional input.
 */
public final class Node {

    private final String opType;
    private final List<String> inputs;
    private final List<String> outputs;
    private final List<Attribute> attributes = new ArrayList<>();
    private String name;
    private String domain = "";
    private String docString = "";

    Node(String opType, List<String> inputs, List<String> outputs, String name) {
        this.opType = Objects.requireNonNull(opType, "op_type");
        if (opType.isEmpty()) {
            throw new IllegalArgumentException("a node needs an op_type");
        }
        this.inputs = List.copyOf(inputs);
        this.outputs = List.copyOf(outputs);
        this.name = Objects.requireNonNull(name, "name");
    }

    /** Sets the node's name (by default {@code <op_type>_<index in graph>}). */
    public Node name(String newName) {
        this.name = Objects.requireNonNull(newName, "name");
        return this;
    }

    /** Sets the operator domain, e.g. {@code "com.microsoft"} (default: the ONNX domain, {@code ""}). */
    public Node domain(String newDomain) {
        this.domain = Objects.requireNonNull(newDomain, "domain");
        return this;
    }

    public Node docString(String doc) {
        this.docString = Objects.requireNonNull(doc, "doc_string");
        return this;
    }

    /** Adds attributes. A name may be used once per node. */
    public Node attr(Attribute... attrs) {
        for (Attribute a : attrs) {
            for (Attribute existing : attributes) {
                if (existing.name().equals(a.name())) {
                    throw new IllegalArgumentException("node " + name + " (" + opType + ") already has attribute " + a.name());
                }
            }
            attributes.add(a);
        }
        return this;
    }

    public String opType() {
        return opType;
    }

    public String name() {
        return name;
    }

    public String domain() {
        return domain;
    }

    public List<String> inputs() {
        return inputs;
    }

    public List<String> outputs() {
        return outputs;
    }

    public List<Attribute> attributes() {
        return Collections.unmodifiableList(attributes);
    }

    void writeTo(ProtoWriter w) {
        for (String in : inputs) {
            w.string(OnnxFields.Node.INPUT, in);
        }
        for (String out : outputs) {
            w.string(OnnxFields.Node.OUTPUT, out);
        }
        if (!name.isEmpty()) {
            w.string(OnnxFields.Node.NAME, name);
        }
        w.string(OnnxFields.Node.OP_TYPE, opType);
        for (Attribute a : attributes) {
            w.message(OnnxFields.Node.ATTRIBUTE, a::writeTo);
        }
        if (!docString.isEmpty()) {
            w.string(OnnxFields.Node.DOC_STRING, docString);
        }
        if (!domain.isEmpty()) {
            w.string(OnnxFields.Node.DOMAIN, domain);
        }
    }

    @Override
    public String toString() {
        return name + " = " + opType + inputs + " -> " + outputs;
    }
}
