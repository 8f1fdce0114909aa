package dev.genloom.plugins.embeddings;

import com.fasterxml.jackson.databind.JsonNode;
import dev.genloom.api.ErrorKind;
import dev.genloom.api.GenloomException;
import dev.genloom.spi.ModelContext;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * How token vectors become one sentence vector: the modes of sentence-transformers'
 * {@code Pooling} module, read from {@code 1_Pooling/config.json} or the {@code pooling} load
 * option. Several modes set at once give their vectors one after the other, in
 * sentence-transformers' order (cls, max, mean, mean_sqrt_len), as it concatenates them.
 */
record PoolingConfig(List<Mode> modes) {
    static final String FILE = "1_Pooling/config.json";

    /** One pooling mode. */
    enum Mode {
        /** The first token's vector ({@code [CLS]}). */
        CLS("pooling_mode_cls_token"),
        /** The largest value of each dimension over the unpadded tokens. */
        MAX("pooling_mode_max_tokens"),
        /** The mean over the unpadded tokens. */
        MEAN("pooling_mode_mean_tokens"),
        /** The sum over the unpadded tokens divided by the square root of their count. */
        MEAN_SQRT_LEN("pooling_mode_mean_sqrt_len_tokens");

        final String key;

        Mode(String key) {
            this.key = key;
        }

        String id() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    PoolingConfig {
        modes = List.copyOf(modes);
    }

    /** The {@code pooling} option where given, else {@code 1_Pooling/config.json}, else mean. */
    static PoolingConfig read(ModelContext ctx) {
        Optional<String> option = ctx.option("pooling", String.class);
        if (option.isPresent()) {
            return new PoolingConfig(List.of(parse(option.get(), "load option pooling")));
        }
        Optional<JsonNode> file = ctx.folder().json(FILE);
        if (file.isEmpty()) {
            return new PoolingConfig(List.of(Mode.MEAN));
        }
        JsonNode json = file.get();
        List<Mode> modes = new ArrayList<>();
        JsonNode named = json.path("pooling_mode");
        if (named.isTextual()) {
            modes.add(parse(named.asText(), ctx.folder().resolve(FILE) + " pooling_mode"));
        } else {
            for (Mode m : Mode.values()) {
                if (json.path(m.key).asBoolean(false)) {
                    modes.add(m);
                }
            }
        }
        if (modes.isEmpty()) {
            throw new GenloomException(ErrorKind.MODEL_INCOMPATIBLE, ctx.folder().resolve(FILE)
                    + " sets none of the pooling modes this family knows (cls, max, mean, mean_sqrt_len)",
                    "set one of " + List.of(Mode.values()).stream().map(m -> m.key).toList()
                            + " to true, or give the load option pooling");
        }
        return new PoolingConfig(modes);
    }

    static Mode parse(String text, String where) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        for (Mode m : Mode.values()) {
            if (m.id().equals(t) || (m == Mode.MEAN && t.equals("mean_tokens")) || (m == Mode.CLS && t.equals("cls_token"))
                    || (m == Mode.MAX && t.equals("max_tokens"))) {
                return m;
            }
        }
        throw GenloomException.invalidInput(where + " is '" + text + "', expected mean, cls, max or mean_sqrt_len");
    }

    /** The dimension of a pooled vector from token vectors of {@code hidden} numbers. */
    int dimension(int hidden) {
        return hidden * modes.size();
    }

    /**
     * Pools one row of {@code last_hidden_state}.
     *
     * @param hidden  the whole output, row-major {@code [batch, seq, width]}
     * @param row     the row
     * @param seq     the padded sequence length
     * @param width   the hidden size
     * @param length  the row's unpadded tokens (the first {@code length} positions)
     */
    float[] pool(float[] hidden, int row, int seq, int width, int length) {
        float[] out = new float[dimension(width)];
        int base = row * seq * width;
        int at = 0;
        for (Mode m : modes) {
            switch (m) {
                case CLS -> System.arraycopy(hidden, base, out, at, width);
                case MAX -> {
                    for (int d = 0; d < width; d++) {
                        float best = Float.NEGATIVE_INFINITY;
                        for (int t = 0; t < length; t++) {
                            best = Math.max(best, hidden[base + t * width + d]);
                        }
                        out[at + d] = best;
                    }
                }
                case MEAN, MEAN_SQRT_LEN -> {
                    double divisor = m == Mode.MEAN ? length : Math.sqrt(length);
                    for (int d = 0; d < width; d++) {
                        double sum = 0;
                        for (int t = 0; t < length; t++) {
                            sum += hidden[base + t * width + d];
                        }
                        out[at + d] = (float) (sum / divisor);
                    }
                }
                default -> throw new IllegalStateException(m.toString());
            }
            at += width;
        }
        return out;
    }

    @Override
    public String toString() {
        return String.join("+", modes.stream().map(Mode::id).toList());
    }
}
