package dev.genloom.plugins.echo;

import dev.genloom.api.Generation;
import dev.genloom.api.GenloomException;
import dev.genloom.api.TextOptions;
import dev.genloom.api.TextToText;
import dev.genloom.api.TokenListener;

import java.util.ArrayList;
import java.util.List;

/**
 * Text-to-text: repeats the prompt, one word per token, its code points sent through the model.
 * Honours {@code maxNewTokens} and {@code stop}; the rest of {@link TextOptions} has nothing to
 * act on.
 */
final class EchoTextToText extends EchoPart implements TextToText {
    private static final int DEFAULT_MAX_NEW_TOKENS = 256;

    EchoTextToText(EchoSession session) {
        super(session);
    }

    @Override
    public Generation generate(String prompt, TextOptions options, TokenListener listener) {
        GenloomException.require(prompt != null && !prompt.isBlank(), "the prompt is empty");
        session.work(prompt);
        long start = System.nanoTime();
        String text = codepointsToString(session.echo(stringToCodepoints(prompt.strip())));
        String[] words = text.split("\\s+");
        int max = options.maxNewTokens() == null ? DEFAULT_MAX_NEW_TOKENS : options.maxNewTokens();
        StringBuilder out = new StringBuilder();
        List<Long> ids = new ArrayList<>();
        Generation.FinishReason reason = Generation.FinishReason.EOS;
        long firstToken = 0;
        for (int i = 0; i < words.length; i++) {
            if (ids.size() == max) {
                reason = Generation.FinishReason.LENGTH;
                break;
            }
            String piece = (i == 0 ? "" : " ") + words[i];
            String candidate = out + piece;
            int cut = firstStop(candidate, options.stop());
            if (cut >= 0) {
                String rest = candidate.substring(out.length(), cut);
                if (!rest.isEmpty()) {
                    listener.onText(rest);
                    out.append(rest);
                }
                reason = Generation.FinishReason.STOP_STRING;
                break;
            }
            out.append(piece);
            ids.add((long) i);
            listener.onText(piece);
            if (i == 0) {
                firstToken = System.nanoTime();
            }
        }
        long end = System.nanoTime();
        long prefill = (firstToken == 0 ? end : firstToken) - start;
        return new Generation(out.toString(), ids.stream().mapToLong(Long::longValue).toArray(), words.length, reason,
                prefill, end - start - prefill);
    }

    private static int firstStop(String text, List<String> stops) {
        int cut = -1;
        for (String s : stops) {
            int at = text.indexOf(s);
            if (at >= 0 && (cut < 0 || at < cut)) {
                cut = at;
            }
        }
        return cut;
    }

    private static float[] stringToCodepoints(String s) {
        int[] cps = s.codePoints().toArray();
        float[] out = new float[cps.length];
        for (int i = 0; i < cps.length; i++) {
            out[i] = cps[i];
        }
        return out;
    }

    private static String codepointsToString(float[] values) {
        StringBuilder sb = new StringBuilder(values.length);
        for (float v : values) {
            sb.appendCodePoint(Math.round(v));
        }
        return sb.toString();
    }
}
