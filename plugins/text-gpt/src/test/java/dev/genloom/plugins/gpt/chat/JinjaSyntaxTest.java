package dev.genloom.plugins.gpt.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** One construct at a time: each template is rendered and compared with what Jinja (HF settings) gives. */
class JinjaSyntaxTest {

    static String r(String template, Object... keyValues) {
        Map<String, Object> ctx = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            ctx.put((String) keyValues[i], keyValues[i + 1]);
        }
        return ChatTemplate.parse(template).render(ctx);
    }

    static final List<Map<String, Object>> MESSAGES = List.of(
            Map.of("role", "system", "content", "sys"),
            Map.of("role", "user", "content", "hi"),
            Map.of("role", "assistant", "content", "hello"));

    // ---- text, comments, whitespace control ------------------------------------------------------

    @Test
    void plainTextAndOutput() {
        assertEquals("Hello, World!", r("Hello, {{ name }}!", "name", "World"));
        assertEquals("a{b}c", r("a{b}c"));
        assertEquals("x", r("{# a comment {{ ignored }} #}x"));
    }

    @Test
    void whitespaceControlMinus() {
        assertEquals("a|b", r("a  \n {{- '|' -}} \n\t b"));
        assertEquals("ab", r("a \n{%- if true -%}\n  b{% endif %}"));
        assertEquals("ab", r("a  {#- note -#}  b"));
    }

    @Test
    void trimBlocksRemovesFirstNewlineAfterBlockTag() {
        assertEquals("yes\n", r("{% if true %}\nyes\n{% endif %}\n"));
        assertEquals("v\n\n", r("{{ 'v' }}\n{% if true %}\n\n{% endif %}"));
        // variable tags keep their newline
        assertEquals("1\n2\n", r("{% for i in [1, 2] %}\n{{ i }}\n{% endfor %}\n"));
        // comments are trimmed too
        assertEquals("x", r("{# c #}\nx"));
    }

    @Test
    void lstripBlocksRemovesIndentationBeforeBlockTags() {
        assertEquals("a\nb\n", r("a\n    {% if true %}\nb\n    {% endif %}\n"));
        // not at the start of a line: kept
        assertEquals("a  b", r("a  {% if true %}b{% endif %}"));
        // {%+ disables lstrip, +%} disables trim
        assertEquals("  \nx\n", r("  {%+ if true +%}\nx\n{% endif %}"));
        // indentation before a variable tag is kept
        assertEquals("  v", r("  {{ 'v' }}"));
    }

    @Test
    void rawBlock() {
        assertEquals("{{ not parsed }}", r("{% raw %}{{ not parsed }}{% endraw %}"));
    }

    // ---- literals and operators -------------------------------------------------------------------

    @Test
    void literals() {
        assertEquals("a'b\"c\n\td", r("{{ 'a\\'b\"c\\n\\td' }}"));
        assertEquals("x\u00e9y", r("{{ \"x\\u00e9y\" }}"));
        assertEquals("42 -7 3.5 1.0 1e+20 0.0001 1e-05", r("{{ 42 }} {{ -7 }} {{ 3.5 }} {{ 1.0 }} {{ 1e20 }} {{ 0.0001 }} {{ 0.00001 }}"));
        assertEquals("True False None True False None", r("{{ true }} {{ false }} {{ none }} {{ True }} {{ False }} {{ None }}"));
        assertEquals("[1, 'a', None, True]", r("{{ [1, 'a', none, true] }}"));
        assertEquals("{'k': 'v', 'n': 2}", r("{{ {'k': 'v', 'n': 2} }}"));
        assertEquals("{'a': {'b': 1}}", r("{{ {'a': {'b': 1}} }}"));
        assertEquals("ab", r("{{ 'a' 'b' }}"));
    }

    @Test
    void arithmetic() {
        assertEquals("7 -1 12 1.5 2 1 8 2", r("{{ 3 + 4 }} {{ 3 - 4 }} {{ 3 * 4 }} {{ 3 / 2 }} {{ 7 // 3 }} {{ 7 % 3 }} {{ 2 ** 3 }} {{ -7 // -3 }}"));
        assertEquals("-3 2", r("{{ -7 // 3 }} {{ -7 % 3 }}"));
        assertEquals("2.0 7", r("{{ 4 / 2 }} {{ 1 + 2 * 3 }}"));
        assertEquals("9", r("{{ (1 + 2) * 3 }}"));
        assertEquals("abab", r("{{ 'ab' * 2 }}"));
        assertEquals("[1, 2, 3]", r("{{ [1] + [2, 3] }}"));
    }

    @Test
    void concatenation() {
        assertEquals("ab1None", r("{{ 'a' ~ 'b' ~ 1 ~ none }}"));
        assertEquals("ab", r("{{ 'a' + 'b' }}"));
        assertEquals("a", r("{{ 'a' ~ missing }}"));
    }

    @Test
    void comparisonsAndLogic() {
        assertEquals("True True False True True", r("{{ 1 == 1.0 }} {{ 'a' != 'b' }} {{ 2 < 1 }} {{ 1 <= 1 < 2 }} {{ 'b' > 'a' }}"));
        assertEquals("1 False True", r("{{ true and 1 }} {{ not 'x' }} {{ none or 'fallback' != '' }}"));
        assertEquals("fallback 0", r("{{ none or 'fallback' }} {{ 0 and 1 }}"));
        assertEquals("True True False True", r("{{ 'ell' in 'hello' }} {{ 2 in [1, 2] }} {{ 'k' not in {'k': 1} }} {{ 'z' not in 'abc' }}"));
        assertEquals("1", r("{{ not x is defined and 1 }}"));
    }

    @Test
    void inlineIf() {
        assertEquals("yes", r("{{ 'yes' if flag else 'no' }}", "flag", true));
        assertEquals("no", r("{{ 'yes' if flag else 'no' }}", "flag", false));
        assertEquals("[]", r("[{{ 'yes' if flag }}]", "flag", false));
        assertEquals("b", r("{{ 'a' if x == 1 else 'b' if x == 2 else 'c' }}", "x", 2));
    }

    // ---- variables and access ---------------------------------------------------------------------

    @Test
    void attributeAndItemAccess() {
        assertEquals("user hi", r("{{ messages[1].role }} {{ messages[1]['content'] }}", "messages", MESSAGES));
        assertEquals("hello", r("{{ messages[-1].content }}", "messages", MESSAGES));
        assertEquals("user,assistant", r("{{ messages[1:] | map(attribute='role') | join(',') }}", "messages", MESSAGES));
        assertEquals("system", r("{{ messages[:1][0].role }}", "messages", MESSAGES));
        assertEquals("[3, 2, 1] [1, 3] cba el", r("{{ [1, 2, 3][::-1] }} {{ [1, 2, 3][::2] }} {{ 'abc'[::-1] }} {{ 'hello'[1:3] }}"));
        assertEquals("o", r("{{ 'hello'[-1] }}"));
        assertEquals("2", r("{{ d.a.b }}", "d", Map.of("a", Map.of("b", 2))));
    }

    @Test
    void undefinedIsFalsyAndEmpty() {
        assertEquals("[]", r("[{{ missing }}]"));
        assertEquals("[]", r("[{{ missing.attr.deeper }}]"));
        assertEquals("[]", r("[{{ messages[0].tool_calls }}]", "messages", MESSAGES));
        assertEquals("no", r("{% if missing %}yes{% else %}no{% endif %}"));
        assertEquals("no", r("{% if messages[0].missing %}yes{% else %}no{% endif %}", "messages", MESSAGES));
        assertEquals("0", r("{{ missing | length }}"));
        assertEquals("empty", r("{% for x in missing %}{{ x }}{% else %}empty{% endfor %}"));
        assertEquals("[]", r("[{{ messages[10] }}]", "messages", MESSAGES));
        assertEquals("[]", r("[{{ none.attr }}]"));
    }

    @Test
    void javaAndJsonValuesAreAccepted() throws Exception {
        assertEquals("3 1.5 x", r("{{ i }} {{ f }} {{ s }}", "i", 3, "f", 1.5f, "s", new StringBuilder("x")));
        var json = new ObjectMapper().readTree("{\"tools\": [{\"name\": \"calc\", \"n\": 2}]}");
        assertEquals("calc 2", r("{{ cfg.tools[0].name }} {{ cfg.tools[0].n }}", "cfg", json));
        assertEquals("user: hi", r("{{ m.role }}: {{ m.content }}", "m", Message.user("hi")));
    }

    // ---- statements ------------------------------------------------------------------------------

    @Test
    void ifElifElse() {
        String t = "{% if n == 1 %}one{% elif n == 2 %}two{% elif n == 3 %}three{% else %}many{% endif %}";
        assertEquals("one", r(t, "n", 1));
        assertEquals("two", r(t, "n", 2));
        assertEquals("three", r(t, "n", 3));
        assertEquals("many", r(t, "n", 9));
    }

    @Test
    void forLoopVariables() {
        assertEquals("1/0/True/False/3 2/1/False/False/3 3/2/False/True/3 ",
                r("{% for x in 'abc' %}{{ loop.index }}/{{ loop.index0 }}/{{ loop.first }}/{{ loop.last }}/{{ loop.length }} {% endfor %}"));
        assertEquals("3 2 1", r("{% for x in [1, 2, 3] %}{{ loop.revindex }}{{ ' ' if not loop.last }}{% endfor %}"));
        assertEquals("-b,a-", r("{% for x in ['a', 'b'] %}{{ loop.previtem }}-{{ loop.nextitem }}{{ ',' if not loop.last }}{% endfor %}"));
        assertEquals("oddevenodd", r("{% for x in range(3) %}{{ loop.cycle('odd', 'even') }}{% endfor %}"));
    }

    @Test
    void forElseAndNestedLoops() {
        assertEquals("none", r("{% for x in [] %}{{ x }}{% else %}none{% endfor %}"));
        assertEquals("a1a2b1b2", r("{% for x in ['a', 'b'] %}{% for y in [1, 2] %}{{ x }}{{ y }}{% endfor %}{% endfor %}"));
        assertEquals("12|34", r("{% for row in [[1, 2], [3, 4]] %}{{ row | join }}{{ '|' if not loop.last }}{% endfor %}"));
    }

    @Test
    void tupleUnpacking() {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("a", 1);
        d.put("b", 2);
        assertEquals("a=1;b=2;", r("{% for k, v in d.items() %}{{ k }}={{ v }};{% endfor %}", "d", d));
        assertEquals("a=1;b=2;", r("{% for (k, v) in d | items %}{{ k }}={{ v }};{% endfor %}", "d", d));
        assertEquals("1-2", r("{% set a, b = [1, 2] %}{{ a }}-{{ b }}"));
    }

    @Test
    void loopFilterCondition() {
        String t = "{% for m in messages if m.role != 'system' %}{{ loop.index }}:{{ m.role }}{{ ',' if not loop.last }}{% endfor %}";
        assertEquals("1:user,2:assistant", r(t, "messages", MESSAGES));
    }

    @Test
    void breakAndContinue() {
        assertEquals("013", r("{% for i in range(6) %}{% if i == 2 %}{% continue %}{% endif %}{% if i == 4 %}{% break %}{% endif %}{{ i }}{% endfor %}"));
    }

    @Test
    void setAndScoping() {
        assertEquals("5", r("{% set x = 2 + 3 %}{{ x }}"));
        assertEquals("outer", r("{% set x = 'outer' %}{% for i in [1] %}{% set x = 'inner' %}{% endfor %}{{ x }}"));
        assertEquals("set-in-if", r("{% if true %}{% set x = 'set-in-if' %}{% endif %}{{ x }}"));
        assertEquals("[ab]", r("{% set x %}a{{ 'b' }}{% endset %}[{{ x }}]"));
    }

    @Test
    void namespaceObjects() {
        assertEquals("3", r("{% set ns = namespace(count=0) %}{% for i in range(3) %}{% set ns.count = ns.count + 1 %}{% endfor %}{{ ns.count }}"));
        assertEquals("True", r("{% set ns = namespace(found=false) %}{% for m in messages %}{% if m.role == 'system' %}{% set ns.found = true %}{% endif %}{% endfor %}{{ ns.found }}",
                "messages", MESSAGES));
        assertEquals("[]", r("{% set ns = namespace() %}[{{ ns.missing }}]"));
    }

    @Test
    void macros() {
        assertEquals("<b>x</b><i>y</i>",
                r("{% macro tag(text, name='b') %}<{{ name }}>{{ text }}</{{ name }}>{% endmacro %}{{ tag('x') }}{{ tag('y', name='i') }}"));
    }

    @Test
    void generationBlockRendersAsIs() {
        assertEquals("A: hello<end>", r("A: {% generation %}{{ 'hello' }}<end>{% endgeneration %}"));
    }

    // ---- functions and methods -------------------------------------------------------------------

    @Test
    void globalFunctions() {
        assertEquals("[0, 1, 2] [2, 3] [5, 3, 1]", r("{{ range(3) | list }} {{ range(2, 4) | list }} {{ range(5, 0, -2) | list }}"));
        ChatTemplate t = ChatTemplate.parse("{{ strftime_now('%d %b %Y') }}|{{ strftime_now('%Y-%m-%d %H:%M:%S %A %B') }}")
                .withClock(Clock.fixed(Instant.parse("2024-07-05T09:08:07Z"), ZoneOffset.UTC));
        assertEquals("05 Jul 2024|2024-07-05 09:08:07 Friday July", t.render(Map.of()));
        assertEquals("{'a': 1}", r("{{ dict(a=1) }}"));
    }

    @Test
    void stringMethods() {
        assertEquals("[x] [x ] [  x]", r("[{{ s.strip() }}] [{{ s.lstrip() }}] [{{ s.rstrip() }}]", "s", "  x "));
        assertEquals("abc", r("{{ 'xxabcxx'.strip('x') }}"));
        assertEquals("['a', 'b', 'c'] ['a', 'b,c'] ['a', 'b']", r("{{ 'a,b,c'.split(',') }} {{ 'a,b,c'.split(',', 1) }} {{ ' a  b '.split() }}"));
        assertEquals("True False True", r("{{ 'hello'.startswith('he') }} {{ 'hello'.endswith('x') }} {{ 'hello'.startswith(('x', 'h')) }}"));
        assertEquals("HI hi Hello World a-b", r("{{ 'Hi'.upper() }} {{ 'Hi'.lower() }} {{ 'hello world'.title() }} {{ 'a b'.replace(' ', '-') }}"));
        assertEquals("Hello", r("{{ 'hELLO'.capitalize() }}"));
        assertEquals("a, b", r("{{ ', '.join(['a', 'b']) }}"));
    }

    @Test
    void dictMethods() {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("a", 1);
        d.put("b", 2);
        assertEquals("['a', 'b'] [1, 2] [['a', 1], ['b', 2]]", r("{{ d.keys() | list }} {{ d.values() | list }} {{ d.items() | list }}", "d", d));
        assertEquals("1 None dflt", r("{{ d.get('a') }} {{ d.get('z') }} {{ d.get('z', 'dflt') }}", "d", d));
    }

    // ---- filters ---------------------------------------------------------------------------------

    @Test
    void stringFilters() {
        assertEquals("[x]", r("[{{ '  x \n' | trim }}]"));
        assertEquals("ABC abc Abc", r("{{ 'aBc' | upper }} {{ 'aBc' | lower }} {{ 'aBC' | capitalize }}"));
        assertEquals("a-b-c", r("{{ 'a b c' | replace(' ', '-') }}"));
        assertEquals("3 2 0", r("{{ 'abc' | length }} {{ [1, 2] | length }} {{ {} | length }}"));
        assertEquals("12 True", r("{{ 12 | string }} {{ true | string }}"));
        assertEquals("3 7 0 2", r("{{ '3' | int }} {{ 7.9 | int }} {{ 'x' | int }} {{ 'x' | int(2) }}"));
        assertEquals("Hello World", r("{{ 'hello world' | title }}"));
        assertEquals("a\n    b", r("{{ 'a\nb' | indent(4) }}"));
    }

    @Test
    void listFilters() {
        assertEquals("a b c", r("{{ ['a', 'b', 'c'] | first }} {{ ['a', 'b'] | last }} {{ 'c' | first }}"));
        assertEquals("a, b", r("{{ ['a', 'b'] | join(', ') }}"));
        assertEquals("['a', 'b']", r("{{ 'ab' | list }}"));
        assertEquals("[1, 2, 3] [3, 2, 1] [1, 2]", r("{{ [3, 1, 2] | sort }} {{ [1, 2, 3] | reverse }} {{ [1, 2, 1] | unique }}"));
        assertEquals("6", r("{{ [1, 2, 3] | sum }}"));
    }

    @Test
    void defaultFilter() {
        assertEquals("d", r("{{ missing | default('d') }}"));
        assertEquals("v", r("{{ x | default('d') }}", "x", "v"));
        assertEquals("", r("{{ x | default('d') }}", "x", ""));
        assertEquals("d", r("{{ x | default('d', true) }}", "x", ""));
        assertEquals("d", r("{{ missing | d('d') }}"));
    }

    @Test
    void selectAndMapFilters() {
        List<Map<String, Object>> ms = List.of(
                Map.of("role", "user", "content", "a"),
                Map.of("role", "tool", "content", "b", "name", "calc"),
                Map.of("role", "user", "content", "c"));
        assertEquals("a,c", r("{{ ms | selectattr('role', 'equalto', 'user') | map(attribute='content') | join(',') }}", "ms", ms));
        assertEquals("b", r("{{ ms | rejectattr('role', 'equalto', 'user') | map(attribute='content') | join(',') }}", "ms", ms));
        assertEquals("calc", r("{{ ms | selectattr('name', 'defined') | map(attribute='name') | join }}", "ms", ms));
        assertEquals("2", r("{{ ms | selectattr('role', '==', 'user') | list | length }}", "ms", ms));
        assertEquals("A,B", r("{{ ['a', 'b'] | map('upper') | join(',') }}"));
        assertEquals("1", r("{{ [0, 1, none] | select | list | length }}"));
    }

    @Test
    void tojsonFilter() {
        Map<String, Object> tool = new LinkedHashMap<>();
        tool.put("name", "get_weather");
        tool.put("description", "Météo \"now\"\n");
        tool.put("params", List.of(1, 2.5, true));
        tool.put("none", null);
        tool.put("empty", Map.of());
        assertEquals("{\"name\": \"get_weather\", \"description\": \"Météo \\\"now\\\"\\n\", \"params\": [1, 2.5, true], \"none\": null, \"empty\": {}}",
                r("{{ tool | tojson }}", "tool", tool));
        assertEquals("{\n  \"a\": [\n    1,\n    2\n  ],\n  \"b\": \"<>&\"\n}",
                r("{{ {'a': [1, 2], 'b': '<>&'} | tojson(indent=2) }}"));
        assertEquals("\"x\"", r("{{ 'x' | tojson }}"));
    }

    // ---- tests -----------------------------------------------------------------------------------

    @Test
    void isTests() {
        assertEquals("True False", r("{{ x is defined }} {{ y is defined }}", "x", 1));
        assertEquals("True True", r("{{ y is undefined }} {{ y is not defined }}"));
        assertEquals("True False", r("{{ x is none }} {{ x is not none }}", "x", (Object) null));
        assertEquals("True False", r("{{ 'a' is string }} {{ 1 is string }}"));
        assertEquals("True False", r("{{ {} is mapping }} {{ [] is mapping }}"));
        assertEquals("True True False", r("{{ [] is iterable }} {{ 'a' is iterable }} {{ 1 is iterable }}"));
        assertEquals("True True True", r("{{ 3 is odd }} {{ 4 is even }} {{ 9 is divisibleby 3 }}"));
        assertEquals("True True", r("{{ 'a' is equalto 'a' }} {{ 2 is in [1, 2] }}"));
        assertEquals("True True", r("{{ 1 is number }} {{ true is boolean }}"));
    }

    // ---- snippets in the style of real templates -------------------------------------------------

    @Test
    void chainedMethodsAndParenthesizedNot() {
        String t = "{%- set c = content.split('</think>')[-1].lstrip('\\n') %}"
                + "{%- set r = content.split('</think>')[0].rstrip('\\n').split('<think>')[-1].lstrip('\\n') %}"
                + "[{{ r }}][{{ c }}]"
                + "{%- if not(c.startswith('<a>') and c.endswith('</a>')) %} plain{% endif %}"
                + "{%- if thinking is defined and thinking is false %} no-think{% endif %}";
        assertEquals("[why][answer] plain no-think", r(t, "content", "<think>\nwhy\n</think>\n\nanswer", "thinking", false));
    }

    @Test
    void conditionalSetWithTestsAndFilters() {
        String t = "{%- set prefix = messages[0]['content'][0]['text'] + '\\n\\n' if messages[0]['content'] is not string "
                + "else messages[0]['content'] + '\\n\\n' %}{{ prefix | trim }}|{{ (messages | length - 1) * 2 }}";
        assertEquals("sys|4", r(t, "messages", MESSAGES));
        List<Object> multimodal = List.of(Map.of("role", "user", "content", List.of(Map.of("type", "text", "text", "look"))));
        assertEquals("look|0", r(t, "messages", multimodal));
    }

    @Test
    void loopOverItemsWithFilterAndIndentedJson() {
        Map<String, Object> fn = new LinkedHashMap<>();
        fn.put("name", "add");
        fn.put("return", "int");
        fn.put("parameters", Map.of("a", "int"));
        String t = "{%- for key, val in fn.items() if key != 'return' %}{{ key }}={{ val | tojson(indent=4) }}{{ ';' if not loop.last }}{% endfor %}";
        assertEquals("name=\"add\";parameters={\n    \"a\": \"int\"\n}", r(t, "fn", fn));
    }
}
