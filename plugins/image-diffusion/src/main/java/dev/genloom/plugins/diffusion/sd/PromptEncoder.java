package dev.genloom.plugins.diffusion.sd;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.JsonNode;
import dev.genloom.api.GenloomException;
import dev.genloom.spi.ModelContext;
import dev.genloom.spi.Release;
import dev.genloom.spi.Tokenizer;
import dev.genloom.spi.onnx.Signature;
import dev.genloom.spi.onnx.TensorSpec;
import dev.genloom.spi.onnx.Tensors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One CLIP text encoder of the pipeline with its tokenizer: a prompt to the hidden states the UNet
 * attends to, and the pooled vector SDXL conditions on. Prompts are padded to the tokenizer's
 * length (77) with its pad token; longer ones are cut there, with a warning naming what was dropped.
 *
 * <p>Which hidden states: {@code last_hidden_state} for SD 1.x and 2.x; for SDXL's encoders, which
 * Optimum exports with every layer's output ({@code hidden_states.0..N}), the penultimate one
 * ({@code hidden_states.N-1}), as the SDXL pipeline takes it. The pooled vector is
 * {@code text_embeds} (CLIPTextModelWithProjection) or {@code pooler_output}.
 */
final class PromptEncoder implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PromptEncoder.class);
    private static final Pattern HIDDEN_STATES = Pattern.compile("hidden_states\\.(\\d+)");
    static final int CLIP_LENGTH = 77;

    /** A prompt encoded: {@code hidden} is {@code [length, width]}, {@code pooled} may be null. */
    record Encoded(float[] hidden, int length, int width, float[] pooled) {
    }

    private final String part;
    private final OrtSession session;
    private final Tokenizer tokenizer;
    private final OrtEnvironment env;
    private final String idsName;
    private final OnnxJavaType idsType;
    private final String hiddenName;
    private final String pooledName;
    private final int length;
    private final long padId;

    private PromptEncoder(String part, OrtSession session, Tokenizer tokenizer, OrtEnvironment env, String idsName,
                          OnnxJavaType idsType, String hiddenName, String pooledName, int length, long padId) {
        this.part = part;
        this.session = session;
        this.tokenizer = tokenizer;
        this.env = env;
        this.idsName = idsName;
        this.idsType = idsType;
        this.hiddenName = hiddenName;
        this.pooledName = pooledName;
        this.length = length;
        this.padId = padId;
    }

    /**
     * Opens {@code part} ({@code text_encoder}) with the tokenizer of {@code tokenizerPart}.
     *
     * @param penultimate take the penultimate layer's hidden states (SDXL) where the export has them
     */
    static PromptEncoder open(ModelContext ctx, PipelineFolder folder, String part, String tokenizerPart,
                              boolean penultimate) {
        Path file = folder.onnx(part, "encoding the prompt");
        OrtSession session = null;
        Tokenizer tokenizer = null;
        try {
            session = ctx.sessions().open(file);
            Signature sig = Signature.of(session, file).describedAs("a CLIP text encoder")
                    .requireInput("input_ids", TensorSpec.of(OnnxJavaType.INT32, OnnxJavaType.INT64).rank(2))
                    .check();
            Map<String, NodeInfo> outputs = sig.outputs();
            int top = -1;
            for (String name : outputs.keySet()) {
                Matcher m = HIDDEN_STATES.matcher(name);
                if (m.matches()) {
                    top = Math.max(top, Integer.parseInt(m.group(1)));
                }
            }
            String hidden;
            if (penultimate && top >= 1) {
                hidden = "hidden_states." + (top - 1);
            } else if (outputs.containsKey("last_hidden_state")) {
                hidden = "last_hidden_state";
            } else {
                throw sig.problem("it has no output last_hidden_state").incompatible("a CLIP text encoder");
            }
            String pooled = outputs.containsKey("text_embeds") ? "text_embeds"
                    : outputs.containsKey("pooler_output") ? "pooler_output" : null;
            Path tokDir = folder.tokenizerDir(tokenizerPart);
            tokenizer = ClipTokenizerFiles.load(ctx, tokDir);
            JsonNode tokConfig = folder.folder().json(tokenizerPart + "/tokenizer_config.json").orElse(null);
            int length = tokConfig == null ? CLIP_LENGTH : tokConfig.path("model_max_length").asInt(CLIP_LENGTH);
            if (length <= 2 || length > 4096) {
                length = CLIP_LENGTH;
            }
            long pad = padId(tokenizer, tokConfig, folder.folder().json(tokenizerPart + "/special_tokens_map.json").orElse(null));
            OnnxJavaType idsType = sig.input("input_ids").type;
            return new PromptEncoder(part, session, tokenizer, ctx.sessions().environment(), "input_ids", idsType,
                    hidden, pooled, length, pad);
        } catch (RuntimeException e) {
            throw Release.after(e, tokenizer == null ? null : tokenizer::close, session);
        }
    }

    /** The pad token's id: the tokenizer config's {@code pad_token}, else {@code <|endoftext|>}. */
    private static long padId(Tokenizer tokenizer, JsonNode config, JsonNode specialTokens) {
        String pad = null;
        for (JsonNode n : new JsonNode[] {config, specialTokens}) {
            if (pad == null && n != null && n.has("pad_token")) {
                JsonNode p = n.get("pad_token");
                pad = p.isTextual() ? p.asText() : p.path("content").asText(null);
            }
        }
        for (String candidate : new String[] {pad, "<|endoftext|>"}) {
            if (candidate != null) {
                OptionalLong id = tokenizer.tokenId(candidate);
                if (id.isPresent()) {
                    return id.getAsLong();
                }
            }
        }
        return 0;
    }

    /** The token ids of a prompt, padded (or cut, with a warning) to the encoder's length. */
    long[] ids(String prompt) {
        long[] ids = tokenizer.encode(prompt, true).ids();
        long[] out = new long[length];
        Arrays.fill(out, padId);
        if (ids.length > length) {
            long[] dropped = Arrays.copyOfRange(ids, length - 1, ids.length - 1);
            LOG.warn("the prompt is longer than the {} tokens {} reads; dropped: \"{}\"", length, part,
                    tokenizer.decode(dropped, true).strip());
            System.arraycopy(ids, 0, out, 0, length - 1);
            out[length - 1] = ids[ids.length - 1];
        } else {
            System.arraycopy(ids, 0, out, 0, ids.length);
        }
        return out;
    }

    /** Encodes one prompt. */
    Encoded encode(String prompt) {
        long[] ids = ids(prompt);
        try (OnnxTensor in = Tensors.integers(env, ids, new long[] {1, ids.length}, idsType);
             OrtSession.Result r = session.run(Map.of(idsName, in))) {
            OnnxTensor h = (OnnxTensor) r.get(hiddenName).orElseThrow();
            long[] shape = h.getInfo().getShape();
            float[] hidden = Tensors.toFloats(h);
            float[] pooled = null;
            if (pooledName != null) {
                pooled = Tensors.toFloats((OnnxTensor) r.get(pooledName).orElseThrow());
            }
            return new Encoded(hidden, (int) shape[1], (int) shape[2], pooled);
        } catch (OrtException e) {
            throw GenloomException.runFailed(part + " failed on the prompt: " + e.getMessage(), e);
        }
    }

    int length() {
        return length;
    }

    @Override
    public void close() {
        try {
            tokenizer.close();
        } finally {
            try {
                session.close();
            } catch (OrtException e) {
                LOG.debug("closing {}", part, e);
            }
        }
    }
}
