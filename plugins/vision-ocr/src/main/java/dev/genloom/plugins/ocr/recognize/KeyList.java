package dev.genloom.plugins.ocr.recognize;

import dev.genloom.api.ErrorKind;
import dev.genloom.api.GenloomException;
import dev.genloom.api.io.UserFiles;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The characters a CTC recogniser's classes stand for: class 0 is the CTC blank, classes 1 to n
 * the lines of the key list (PaddleOCR's {@code character_dict_path}, one character a line), and,
 * where the model has one class more, a space last ({@code use_space_char}).
 */
public final class KeyList {
    private final List<String> symbols;
    private final Path file;

    private KeyList(List<String> symbols, Path file) {
        this.symbols = symbols;
        this.file = file;
    }

    /** The keys as given: {@code symbols.get(i)} is class {@code i + 1}. */
    public static KeyList of(List<String> keys, Path file) {
        return new KeyList(List.copyOf(keys), file);
    }

    /**
     * Reads a key list (UTF-8, one key a line; line ends are dropped, nothing else).
     *
     * @throws GenloomException {@code MODEL_INCOMPATIBLE} for an empty file or one that is not UTF-8
     */
    public static KeyList read(Path file) {
        List<String> keys;
        try {
            keys = new ArrayList<>(Files.readAllLines(file, StandardCharsets.UTF_8));
        } catch (CharacterCodingException e) {
            throw new GenloomException(ErrorKind.MODEL_INCOMPATIBLE, "the key list " + file + " is not UTF-8 text",
                    "give PaddleOCR's dictionary (ppocr_keys_v1.txt, en_dict.txt, ...): one character a line", e);
        } catch (IOException e) {
            throw UserFiles.unreadable(file, "key list", e);
        }
        while (!keys.isEmpty() && keys.get(keys.size() - 1).isEmpty()) {
            keys.remove(keys.size() - 1); // a last line end
        }
        if (keys.isEmpty()) {
            throw new GenloomException(ErrorKind.MODEL_INCOMPATIBLE, "the key list " + file + " holds no keys",
                    "give PaddleOCR's dictionary (ppocr_keys_v1.txt, en_dict.txt, ...): one character a line");
        }
        return new KeyList(List.copyOf(keys), file);
    }

    /** How many keys the file has. */
    public int size() {
        return symbols.size();
    }

    /**
     * The text of each class of a recogniser with {@code classes} classes: the blank (as ""), the
     * keys, and a space where there is one class more.
     *
     * @throws GenloomException {@code MODEL_INCOMPATIBLE} where the counts do not fit
     */
    public String[] forClasses(int classes, Path model) {
        if (classes == symbols.size() + 2) {
            List<String> all = new ArrayList<>(classes);
            all.add("");
            all.addAll(symbols);
            all.add(" ");
            return all.toArray(String[]::new);
        }
        if (classes == symbols.size() + 1) {
            List<String> all = new ArrayList<>(classes);
            all.add("");
            all.addAll(symbols);
            return all.toArray(String[]::new);
        }
        throw new GenloomException(ErrorKind.MODEL_INCOMPATIBLE, "the recogniser " + model + " has " + classes
                + " classes, but the key list " + file + " has " + symbols.size() + " keys (a model has the keys + 1 "
                + "for the CTC blank, + 1 more where it reads spaces)",
                "give the key list the recogniser was trained with (option keys)");
    }
}
