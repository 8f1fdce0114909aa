package dev.genloom.plugins.gpt.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Syntax and render errors carry a kind, a line and a column. */
class ChatTemplateErrorsTest {

    static ChatTemplateException parseError(String template) {
        return assertThrows(ChatTemplateException.class, () -> ChatTemplate.parse(template));
    }

    static ChatTemplateException renderError(String template, Map<String, Object> ctx) {
        ChatTemplate t = ChatTemplate.parse(template);
        return assertThrows(ChatTemplateException.class, () -> t.render(ctx));
    }

    static void at(ChatTemplateException e, ChatTemplateException.Kind kind, int line, int column, String fragment) {
        assertEquals(kind, e.kind(), e.getMessage());
        assertEquals(line, e.line(), e.getMessage());
        assertEquals(column, e.column(), e.getMessage());
        assertTrue(e.getMessage().contains(fragment), e.getMessage());
        assertTrue(e.getMessage().contains("line " + line + ", column " + column), e.getMessage());
    }

    @Test
    void unknownFilterIsASyntaxError() {
        at(parseError("ok\n{{ x | frobnicate }}"), ChatTemplateException.Kind.SYNTAX, 2, 8, "unknown filter 'frobnicate'");
    }

    @Test
    void unknownTest() {
        at(parseError("{% if x is shiny %}{% endif %}"), ChatTemplateException.Kind.SYNTAX, 1, 12, "unknown test 'shiny'");
    }

    @Test
    void unclosedBlocks() {
        at(parseError("a\n  {% if x %}\nb"), ChatTemplateException.Kind.SYNTAX, 2, 3, "{% endif %}");
        at(parseError("{% for m in messages %}x"), ChatTemplateException.Kind.SYNTAX, 1, 1, "{% endfor %}");
        at(parseError("x {{ y "), ChatTemplateException.Kind.SYNTAX, 1, 3, "unclosed tag");
        at(parseError("x {# y "), ChatTemplateException.Kind.SYNTAX, 1, 3, "unclosed comment");
    }

    @Test
    void unexpectedTokensAndTags() {
        at(parseError("{% endif %}"), ChatTemplateException.Kind.SYNTAX, 1, 4, "'endif'");
        at(parseError("{{ 1 + }}"), ChatTemplateException.Kind.SYNTAX, 1, 8, "expected an expression");
        at(parseError("{{ 'abc }}"), ChatTemplateException.Kind.SYNTAX, 1, 4, "unterminated string");
        at(parseError("{{ a ; b }}"), ChatTemplateException.Kind.SYNTAX, 1, 6, "unexpected character ';'");
        at(parseError("{% if x %}{% endfor %}"), ChatTemplateException.Kind.SYNTAX, 1, 14, "'endfor'");
        at(parseError("{% break %}"), ChatTemplateException.Kind.SYNTAX, 1, 4, "outside of a for loop");
        at(parseError("{% frobnicate %}"), ChatTemplateException.Kind.SYNTAX, 1, 4, "unknown or unexpected tag 'frobnicate'");
    }

    @Test
    void unknownFunction() {
        at(renderError("line one\n  {{ make_magic(1) }}", Map.of()), ChatTemplateException.Kind.RENDER, 2, 6,
                "unknown function 'make_magic'");
    }

    @Test
    void raiseException() {
        ChatTemplateException e = renderError("{% if messages | length == 0 %}{{ raise_exception('No messages!') }}{% endif %}",
                Map.of("messages", java.util.List.of()));
        at(e, ChatTemplateException.Kind.RAISED, 1, 35, "No messages!");
        assertEquals("No messages!", e.detail());
    }

    @Test
    void typeErrors() {
        at(renderError("{{ 'a' + 1 }}", Map.of()), ChatTemplateException.Kind.RENDER, 1, 8, "unsupported operand");
        at(renderError("{{ missing + 'x' }}", Map.of()), ChatTemplateException.Kind.RENDER, 1, 12, "'missing' is undefined");
        at(renderError("{% for x in 5 %}{% endfor %}", Map.of()), ChatTemplateException.Kind.RENDER, 1, 13, "not iterable");
        at(renderError("{% set x = 1 %}{% set x.y = 2 %}", Map.of()), ChatTemplateException.Kind.RENDER, 1, 19, "namespace");
        at(renderError("{{ 1 // 0 }}", Map.of()), ChatTemplateException.Kind.RENDER, 1, 6, "division");
        at(renderError("{{ missing | tojson }}", Map.of()), ChatTemplateException.Kind.RENDER, 1, 14, "not JSON serializable");
    }
}
