package dev.genloom.plugins.diffusion.sd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.genloom.api.ErrorKind;
import dev.genloom.api.GenloomException;
import dev.genloom.api.io.UserFiles;
import dev.genloom.spi.ModelContext;
import dev.genloom.spi.Tokenizer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * The CLIP tokenizer of a pipeline folder. Where the folder has {@code tokenizer.json} (the fast
 * tokenizer's file) it is loaded as it is. Many diffusers folders ship only the slow tokenizer's
 * files, {@code vocab.json} and {@code merges.txt}; from those the same tokenizer is described in
 * the {@code tokenizer.json} format (CLIP's: NFC, whitespace runs to one space, lower case; CLIP's
 * split pattern, then byte-level; BPE with the {@code </w>} end-of-word suffix; start and end of
 * text around every prompt) and loaded from a temporary file, deleted when the tokenizer closes
 * (the tokenizer reads its vocabulary from the file on first use).
 */
final class ClipTokenizerFiles {
    static final String START = "<|startoftext|>";
    static final String END = "<|endoftext|>";
    /** CLIP's pre-tokenisation pattern (contractions, letter runs, single digits, other runs). */
    static final String SPLIT = "<\\|startoftext\\|>|<\\|endoftext\\|>|'s|'t|'re|'ve|'m|'ll|'d|[\\p{L}]+|[\\p{N}]|[^\\s\\p{L}\\p{N}]+";
    private static final long MAX_BYTES = 64L << 20;
    private static final ObjectMapper JSON = new ObjectMapper();

    private ClipTokenizerFiles() {
    }

    static Tokenizer load(ModelContext ctx, Path dir) {
        Path fast = dir.resolve("tokenizer.json");
        if (Files.isRegularFile(fast)) {
            return ctx.tokenizers().load(fast);
        }
        ObjectNode described = describe(dir.resolve("vocab.json"), dir.resolve("merges.txt"));
        Path tmp = null;
        try {
            tmp = Files.createTempFile("genloom-clip-tokenizer", ".json");
            Files.writeString(tmp, JSON.writeValueAsString(described), StandardCharsets.UTF_8);
            return new Described(ctx.tokenizers().load(tmp), tmp);
        } catch (IOException | RuntimeException e) {
            delete(tmp);
            if (e instanceof RuntimeException r) {
                throw r;
            }
            throw new GenloomException(ErrorKind.IO, "cannot write the tokenizer of " + dir
                    + " to a temporary file: " + e.getMessage(), "check the temporary directory (java.io.tmpdir)", e);
        }
    }

    private static void delete(Path file) {
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                file.toFile().deleteOnExit();
            }
        }
    }

    /** A tokenizer loaded from a described file, which it deletes when it closes. */
    private record Described(Tokenizer tokenizer, Path file) implements Tokenizer {
        @Override
        public Encoding encode(String text, boolean addSpecialTokens) {
            return tokenizer.encode(text, addSpecialTokens);
        }

        @Override
        public String decode(long[] ids, boolean skipSpecialTokens) {
            return tokenizer.decode(ids, skipSpecialTokens);
        }

        @Override
        public OptionalLong tokenId(String token) {
            return tokenizer.tokenId(token);
        }

        @Override
        public void close() {
            try {
                tokenizer.close();
            } finally {
                delete(file);
            }
        }
    }

    /** The {@code tokenizer.json} of a CLIP tokenizer with this vocabulary and these merges. */
    static ObjectNode describe(Path vocabFile, Path mergesFile) {
        JsonNode vocab;
        try {
            vocab = JSON.readTree(UserFiles.readUtf8(vocabFile, "tokenizer vocabulary", MAX_BYTES, null));
        } catch (IOException e) {
            throw GenloomException.invalidInput(vocabFile + " is not JSON: " + e.getMessage());
        }
        for (String special : new String[] {START, END}) {
            if (!vocab.has(special)) {
                throw GenloomException.invalidInput(vocabFile + " has no " + special + ": not a CLIP vocabulary");
            }
        }
        ObjectNode tok = JSON.createObjectNode();
        tok.put("version", "1.0");
        tok.putNull("truncation");
        tok.putNull("padding");
        ArrayNode added = tok.putArray("added_tokens");
        for (String special : new String[] {START, END}) {
            added.addObject().put("id", vocab.get(special).asInt()).put("content", special).put("single_word", false)
                    .put("lstrip", false).put("rstrip", false).put("normalized", true).put("special", true);
        }
        ArrayNode norms = tok.putObject("normalizer").put("type", "Sequence").putArray("normalizers");
        norms.addObject().put("type", "NFC");
        ObjectNode spaces = norms.addObject().put("type", "Replace");
        spaces.putObject("pattern").put("Regex", "\\s+");
        spaces.put("content", " ");
        norms.addObject().put("type", "Lowercase");
        ArrayNode pre = tok.putObject("pre_tokenizer").put("type", "Sequence").putArray("pretokenizers");
        ObjectNode split = pre.addObject().put("type", "Split");
        split.putObject("pattern").put("Regex", SPLIT);
        split.put("behavior", "Removed").put("invert", true);
        pre.addObject().put("type", "ByteLevel").put("add_prefix_space", false).put("trim_offsets", true)
                .put("use_regex", false);
        ObjectNode post = tok.putObject("post_processor").put("type", "RobertaProcessing");
        post.putArray("sep").add(END).add(vocab.get(END).asInt());
        post.putArray("cls").add(START).add(vocab.get(START).asInt());
        post.put("trim_offsets", false).put("add_prefix_space", false);
        tok.putObject("decoder").put("type", "ByteLevel").put("add_prefix_space", true).put("trim_offsets", true)
                .put("use_regex", true);
        ObjectNode model = tok.putObject("model").put("type", "BPE");
        model.putNull("dropout");
        model.put("unk_token", END).put("continuing_subword_prefix", "").put("end_of_word_suffix", "</w>")
                .put("fuse_unk", false).put("byte_fallback", false);
        model.set("vocab", vocab);
        ArrayNode merges = model.putArray("merges");
        String text = UserFiles.readUtf8(mergesFile, "tokenizer merges", MAX_BYTES, null);
        for (String line : text.split("\n")) {
            String l = line.strip();
            if (!l.isEmpty() && !l.startsWith("#version")) {
                merges.add(l);
            }
        }
        return tok;
    }
}
