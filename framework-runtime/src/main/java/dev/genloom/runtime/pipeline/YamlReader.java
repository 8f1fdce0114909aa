package dev.genloom.runtime.pipeline;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import dev.genloom.runtime.config.YamlFiles;

import org.yaml.snakeyaml.error.MarkedYAMLException;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads one YAML document into {@link YamlNode}s with Jackson's streaming YAML parser, keeping the
 * line and column of every key and value. Duplicate keys and aliases are reported as problems (the
 * first of duplicate keys is kept; anchors alone are harmless and ignored); malformed YAML ends
 * reading with one problem.
 */
final class YamlReader {
    private static final YAMLFactory FACTORY = YamlFiles.factory();

    private final String file;
    private final List<Problem> problems;
    private YAMLParser parser;

    private YamlReader(String file, List<Problem> problems) {
        this.file = file;
        this.problems = problems;
    }

    /** The document's root, or null where there is none or it could not be read (see problems). */
    static YamlNode read(String text, String file, List<Problem> problems) {
        return new YamlReader(file, problems).readDocument(text);
    }

    private YamlNode readDocument(String text) {
        if (text.length() > YamlFiles.MAX_BYTES && text.codePointCount(0, text.length()) > YamlFiles.MAX_BYTES) {
            problems.add(new Problem(file, 1, 1, "the document holds " + text.codePointCount(0, text.length())
                    + " characters; Genloom reads YAML documents of up to " + YamlFiles.MAX_BYTES
                    + " (the YAML parser's limit)"));
            return null;
        }
        try (YAMLParser p = FACTORY.createParser(text)) {
            parser = p;
            JsonToken first = p.nextToken();
            if (first == null) {
                problems.add(new Problem(file, 1, 1, "the document is empty; a pipeline needs name, steps and outputs"));
                return null;
            }
            YamlNode root = readValue(first);
            JsonToken extra = p.nextToken();
            if (extra != null) {
                JsonLocation at = p.currentTokenLocation();
                problems.add(new Problem(file, at.getLineNr(), at.getColumnNr(),
                        "a pipeline file holds one YAML document; remove this second one"));
            }
            return root;
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            int line = at == null || at.getLineNr() < 1 ? 1 : at.getLineNr();
            int column = at == null || at.getColumnNr() < 1 ? 1 : at.getColumnNr();
            problems.add(new Problem(file, line, column, "not valid YAML: " + describe(e)));
            return null;
        } catch (IOException e) {
            problems.add(new Problem(file, 1, 1, "cannot read the document: " + e.getMessage()));
            return null;
        }
    }

    /** SnakeYAML's problem and context on one line, without its drawing of the source. */
    private static String describe(JsonProcessingException e) {
        if (e.getCause() instanceof MarkedYAMLException m && m.getProblem() != null) {
            String context = m.getContext() == null ? "" : " (" + m.getContext()
                    + (m.getContextMark() == null ? "" : " at line " + (m.getContextMark().getLine() + 1)
                    + ", column " + (m.getContextMark().getColumn() + 1)) + ")";
            return m.getProblem() + context;
        }
        String message = e.getOriginalMessage();
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }

    private YamlNode readValue(JsonToken token) throws IOException {
        JsonLocation at = parser.currentTokenLocation();
        int line = at.getLineNr();
        int column = at.getColumnNr();
        if (parser.isCurrentAlias()) {
            // An anchor alone is harmless (the value is read where it stands); using it is not supported.
            problems.add(new Problem(file, line, column, "aliases (*" + parser.getText() + ") are not supported in"
                    + " pipeline documents; write the value out in full"));
            return new YamlNode.Alias(parser.getText(), line, column);
        }
        switch (token) {
            case START_OBJECT:
                return readMapping(line, column);
            case START_ARRAY: {
                List<YamlNode> items = new ArrayList<>();
                for (JsonToken t = parser.nextToken(); t != JsonToken.END_ARRAY; t = parser.nextToken()) {
                    items.add(readValue(t));
                }
                return new YamlNode.Sequence(items, line, column);
            }
            case VALUE_STRING:
                return new YamlNode.Scalar(parser.getText(), parser.getText(), line, column);
            case VALUE_NUMBER_INT:
                return new YamlNode.Scalar(parser.getNumberValue(), parser.getText(), line, column);
            case VALUE_NUMBER_FLOAT:
                return new YamlNode.Scalar(parser.getDoubleValue(), parser.getText(), line, column);
            case VALUE_TRUE:
                return new YamlNode.Scalar(Boolean.TRUE, parser.getText(), line, column);
            case VALUE_FALSE:
                return new YamlNode.Scalar(Boolean.FALSE, parser.getText(), line, column);
            case VALUE_NULL:
                return new YamlNode.Scalar(null, parser.getText(), line, column);
            default:
                // Binary and embedded objects come from explicit tags such as !!binary.
                problems.add(new Problem(file, line, column, "unsupported YAML value (" + token + ")"));
                return new YamlNode.Scalar(null, parser.getText(), line, column);
        }
    }

    private YamlNode readMapping(int line, int column) throws IOException {
        Map<String, YamlNode.Entry> entries = new LinkedHashMap<>();
        for (JsonToken t = parser.nextToken(); t != JsonToken.END_OBJECT; t = parser.nextToken()) {
            // t is FIELD_NAME
            String key = parser.currentName();
            JsonLocation at = parser.currentTokenLocation();
            YamlNode value = readValue(parser.nextToken());
            YamlNode.Entry previous = entries.get(key);
            if (previous != null) {
                problems.add(new Problem(file, at.getLineNr(), at.getColumnNr(), "duplicate key '" + key
                        + "' (first at line " + previous.line() + ", column " + previous.column() + ")"));
            } else {
                entries.put(key, new YamlNode.Entry(key, at.getLineNr(), at.getColumnNr(), value));
            }
        }
        return new YamlNode.Mapping(entries, line, column);
    }
}
