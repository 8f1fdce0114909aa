package dev.genloom.runtime.tokenizer;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.genloom.api.ErrorKind;
import dev.genloom.api.GenloomException;
import dev.genloom.spi.Tokenizer;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;

/**
 * A {@link Tokenizer} over one DJL {@link HuggingFaceTokenizer}. Encoding and decoding may run on
 * several threads at once; {@link #close()} waits for them and frees the native tokenizer.
 */
final class DjlTokenizer implements Tokenizer {
    private final Path file;
    private final HuggingFaceTokenizer hf;
    private final ReadWriteLock lock = new ReentrantReadWriteLock();
    private boolean closed;
    private volatile Map<String, Long> vocabulary;

    DjlTokenizer(Path file, HuggingFaceTokenizer hf) {
        this.file = file;
        this.hf = hf;
    }

    @Override
    public Encoding encode(String text, boolean addSpecialTokens) {
        Objects.requireNonNull(text, "text");
        return call(() -> {
            var djl = hf.encode(text, addSpecialTokens, false);   // DJL's Encoding, not the SPI's
            return new Encoding(djl.getIds(), djl.getTokens());
        });
    }

    @Override
    public String decode(long[] ids, boolean skipSpecialTokens) {
        Objects.requireNonNull(ids, "ids");
        return call(() -> hf.decode(ids, skipSpecialTokens));
    }

    @Override
    public OptionalLong tokenId(String token) {
        Objects.requireNonNull(token, "token");
        Long id = vocabulary().get(token);
        return id == null ? OptionalLong.empty() : OptionalLong.of(id);
    }

    private <T> T call(Supplier<T> body) {
        lock.readLock().lock();
        try {
            if (closed) {
                throw new IllegalStateException("tokenizer " + file + " is closed");
            }
            return DjlTokenizers.withHostLoader(body);
        } catch (IllegalStateException | GenloomException ex) {
            throw ex;
        } catch (RuntimeException ex) {
            throw new GenloomException(ErrorKind.RUN_FAILED, "tokenizer " + file + " failed: " + ex.getMessage(),
                    null, ex);
        } finally {
            lock.readLock().unlock();
        }
    }

    /** The vocabulary of the file (the model's tokens and the added tokens), read on first use. */
    private Map<String, Long> vocabulary() {
        Map<String, Long> v = vocabulary;
        if (v == null) {
            synchronized (this) {
                v = vocabulary;
                if (v == null) {
                    v = readVocabulary(file);
                    vocabulary = v;
                }
            }
        }
        return v;
    }

    /**
     * Reads {@code model.vocab} (an object of token to id for BPE, WordPiece and WordLevel; a list
     * of [token, score] pairs, the id being the position, for Unigram) and {@code added_tokens}
     * from a tokenizer.json, streaming so that large vocabularies need no tree.
     */
    static Map<String, Long> readVocabulary(Path file) {
        Map<String, Long> vocab = new HashMap<>();
        try (JsonParser p = new JsonFactory().createParser(file.toFile())) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException("not a JSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken t = p.nextToken();
                if ("model".equals(name) && t == JsonToken.START_OBJECT) {
                    readModel(p, vocab);
                } else if ("added_tokens".equals(name) && t == JsonToken.START_ARRAY) {
                    readAdded(p, vocab);
                } else {
                    p.skipChildren();
                }
            }
        } catch (IOException ex) {
            throw new GenloomException(ErrorKind.MODEL_INCOMPATIBLE,
                    "cannot read the vocabulary of tokenizer file " + file + ": " + ex.getMessage(), null, ex);
        }
        return Map.copyOf(vocab);
    }

    private static void readModel(JsonParser p, Map<String, Long> vocab) throws IOException {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken t = p.nextToken();
            if ("vocab".equals(name) && t == JsonToken.START_OBJECT) {
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String token = p.currentName();
                    p.nextToken();
                    vocab.putIfAbsent(token, p.getLongValue());
                }
            } else if ("vocab".equals(name) && t == JsonToken.START_ARRAY) {
                long id = 0;
                while (p.nextToken() == JsonToken.START_ARRAY) {
                    p.nextToken();
                    vocab.putIfAbsent(p.getText(), id++);
                    while (p.nextToken() != JsonToken.END_ARRAY) {
                        p.skipChildren();
                    }
                }
            } else {
                p.skipChildren();
            }
        }
    }

    private static void readAdded(JsonParser p, Map<String, Long> vocab) throws IOException {
        while (p.nextToken() == JsonToken.START_OBJECT) {
            String content = null;
            Long id = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                p.nextToken();
                if ("content".equals(name)) {
                    content = p.getText();
                } else if ("id".equals(name)) {
                    id = p.getLongValue();
                } else {
                    p.skipChildren();
                }
            }
            if (content != null && id != null) {
                vocab.put(content, id); // added tokens win over the model's
            }
        }
    }

    @Override
    public void close() {
        lock.writeLock().lock();
        try {
            if (!closed) {
                closed = true;
                DjlTokenizers.withHostLoader(() -> {
                    hf.close();
                    return null;
                });
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    @Override
    public String toString() {
        return "DjlTokenizer[" + file + "]";
    }
}
