package dev.genloom.zoo.onnx;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An ONNX model file ({@code ModelProto}): a graph plus the IR version, operator sets and
 * producer. Encoding is deterministic: the same model always gives the same bytes.
 *
 * <pre>{@code
 * OnnxModel m = new OnnxModel(graph).opset(17);   // IR version 8 unless set
 * m.write(folder.resolve("onnx/model.onnx"));
 * }</pre>
 */
public final class OnnxModel {

    /** IR version written unless {@link #irVersion} says otherwise (ONNX 1.10+, opsets up to 17). */
    public static final long DEFAULT_IR_VERSION = 8;
    /** Opset of the ONNX domain used when none was declared. */
    public static final int DEFAULT_OPSET = 17;
    /** Producer name written unless {@link #producer} says otherwise. */
    public static final String DEFAULT_PRODUCER = "genloom-model-zoo";

    private final Graph graph;
    private final Map<String, Long> opsets = new LinkedHashMap<>();
    private final Map<String, String> metadata = new LinkedHashMap<>();
    private long irVersion = DEFAULT_IR_VERSION;
    private String producerName = DEFAULT_PRODUCER;
    private String producerVersion = "";
    private String domain = "";
    private long modelVersion;
    private String docString = "";

    public OnnxModel(Graph graph) {
        this.graph = Objects.requireNonNull(graph, "graph");
    }

    /** Imports the ONNX operator set {@code version} (domain {@code ""}). */
    public OnnxModel opset(int version) {
        return opset("", version);
    }

    /** Imports operator set {@code version} of {@code opsetDomain}, e.g. {@code "com.microsoft"}. */
    public OnnxModel opset(String opsetDomain, int version) {
        Objects.requireNonNull(opsetDomain, "domain");
        if (version < 1) {
            throw new IllegalArgumentException("opset version must be positive: " + version);
        }
        opsets.put(opsetDomain, (long) version);
        return this;
    }

    public OnnxModel irVersion(long version) {
        if (version < 1) {
            throw new IllegalArgumentException("IR version must be positive: " + version);
        }
        this.irVersion = version;
        return this;
    }

    public OnnxModel producer(String name, String version) {
        this.producerName = Objects.requireNonNull(name, "producer name");
        this.producerVersion = Objects.requireNonNull(version, "producer version");
        return this;
    }

    public OnnxModel domain(String modelDomain) {
        this.domain = Objects.requireNonNull(modelDomain, "domain");
        return this;
    }

    public OnnxModel modelVersion(long version) {
        this.modelVersion = version;
        return this;
    }

    public OnnxModel docString(String doc) {
        this.docString = Objects.requireNonNull(doc, "doc_string");
        return this;
    }

    /** Adds a {@code metadata_props} entry (ONNX Runtime reports these as custom metadata). */
    public OnnxModel metadata(String key, String value) {
        metadata.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
        return this;
    }

    public Graph graph() {
        return graph;
    }

    /** The declared operator sets, domain to version, the default one included. */
    public Map<String, Long> opsets() {
        Map<String, Long> all = new LinkedHashMap<>(opsets);
        if (all.isEmpty()) {
            all.put("", (long) DEFAULT_OPSET);
        }
        return all;
    }

    public long irVersion() {
        return irVersion;
    }

    /** The encoded {@code ModelProto}. */
    public byte[] toBytes() {
        ProtoWriter w = new ProtoWriter(1024);
        writeTo(w);
        return w.toByteArray();
    }

    /**
     * Writes the model to {@code file}, creating missing parent folders, replacing any old file.
     * The bytes are those of {@link #toBytes()}, but the initializers' {@code raw_data} of the
     * top-level graph is streamed to the file from the tensors themselves, so that writing a model
     * with hundreds of megabytes of weights needs no copy of them in memory.
     */
    public Path write(Path file) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
                writeTo(out);
            }
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("could not write ONNX model " + file + ": " + e.getMessage(), e);
        }
    }

    /** Streams the encoded {@code ModelProto} to {@code out} (the same bytes as {@link #toBytes()}). */
    public void writeTo(OutputStream out) throws IOException {
        ProtoWriter head = new ProtoWriter(1024);
        writeHeadTo(head);
        ProtoWriter graphHead = new ProtoWriter(1024);
        graph.writeHeadTo(graphHead);
        ProtoWriter graphTail = new ProtoWriter(1024);
        graph.writeTailTo(graphTail);
        ProtoWriter tail = new ProtoWriter(256);
        writeTailTo(tail);

        List<ProtoWriter> tensorHeads = new ArrayList<>();
        long graphSize = graphHead.size() + graphTail.size();
        for (Tensor t : graph.initializers()) {
            ProtoWriter th = new ProtoWriter(128);
            t.writeHeaderTo(th);
            byte[] raw = t.rawView();
            if (raw != null) {
                th.writeTag(OnnxFields.Tensor.RAW_DATA, ProtoWriter.LEN).writeVarint(raw.length);
            }
            long tensorSize = th.size() + (raw == null ? 0 : raw.length);
            graphSize += ProtoWriter.varintSize(((long) OnnxFields.Graph.INITIALIZER << 3) | ProtoWriter.LEN)
                    + ProtoWriter.varintSize(tensorSize) + tensorSize;
            tensorHeads.add(th);
        }
        if (graphSize > Integer.MAX_VALUE) {
            throw new IllegalStateException("ONNX model larger than 2 GiB: " + graphSize
                    + " bytes of graph; such models need external data");
        }
        head.writeTag(OnnxFields.Model.GRAPH, ProtoWriter.LEN).writeVarint(graphSize);
        head.writeTo(out);
        graphHead.writeTo(out);
        List<Tensor> initializers = graph.initializers();
        for (int i = 0; i < initializers.size(); i++) {
            ProtoWriter th = tensorHeads.get(i);
            byte[] raw = initializers.get(i).rawView();
            long tensorSize = th.size() + (raw == null ? 0 : raw.length);
            out.write(new ProtoWriter(16)
                    .writeTag(OnnxFields.Graph.INITIALIZER, ProtoWriter.LEN).writeVarint(tensorSize).toByteArray());
            th.writeTo(out);
            if (raw != null) {
                out.write(raw);
            }
        }
        graphTail.writeTo(out);
        tail.writeTo(out);
    }

    void writeTo(ProtoWriter w) {
        writeHeadTo(w);
        w.message(OnnxFields.Model.GRAPH, graph::writeTo);
        writeTailTo(w);
    }

    private void writeHeadTo(ProtoWriter w) {
        w.int64(OnnxFields.Model.IR_VERSION, irVersion);
        if (!producerName.isEmpty()) {
            w.string(OnnxFields.Model.PRODUCER_NAME, producerName);
        }
        if (!producerVersion.isEmpty()) {
            w.string(OnnxFields.Model.PRODUCER_VERSION, producerVersion);
        }
        if (!domain.isEmpty()) {
            w.string(OnnxFields.Model.DOMAIN, domain);
        }
        if (modelVersion != 0) {
            w.int64(OnnxFields.Model.MODEL_VERSION, modelVersion);
        }
        if (!docString.isEmpty()) {
            w.string(OnnxFields.Model.DOC_STRING, docString);
        }
    }

    private void writeTailTo(ProtoWriter w) {
        for (Map.Entry<String, Long> opset : opsets().entrySet()) {
            w.message(OnnxFields.Model.OPSET_IMPORT, o -> {
                if (!opset.getKey().isEmpty()) {
                    o.string(OnnxFields.OperatorSetId.DOMAIN, opset.getKey());
                }
                o.int64(OnnxFields.OperatorSetId.VERSION, opset.getValue());
            });
        }
        for (Map.Entry<String, String> entry : metadata.entrySet()) {
            w.message(OnnxFields.Model.METADATA_PROPS, e -> e
                    .string(OnnxFields.StringStringEntry.KEY, entry.getKey())
                    .string(OnnxFields.StringStringEntry.VALUE, entry.getValue()));
        }
    }
}
