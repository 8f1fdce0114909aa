package dev.genloom.plugins.gpt.chat;

import dev.genloom.plugins.gpt.chat.TemplateNode.Expr;
import dev.genloom.plugins.gpt.chat.Token.Type;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Recursive-descent parser following Jinja's grammar and operator precedence. */
final class Parser {

    private static final Set<String> COMPARE_OPS = Set.of("==", "!=", "<", "<=", ">", ">=");

    private final String src;
    private final List<Token> tokens;
    private int idx;
    private int loopDepth;
    /** Offset of the {@code {%} of the statement being parsed: where "never closed" errors point. */
    private int tagPos;

    private Parser(String src) {
        this.src = src;
        this.tokens = Lexer.tokenize(src);
    }

    static List<TemplateNode> parse(String src) {
        Parser p = new Parser(src);
        List<TemplateNode> body = p.subparse(-1);
        return body;
    }

    private ChatTemplateException error(String msg, int pos) {
        int[] lc = Lexer.lineColumn(src, pos);
        return new ChatTemplateException(ChatTemplateException.Kind.SYNTAX, msg, lc[0], lc[1]);
    }

    private Token peek() {
        return tokens.get(idx);
    }

    private Token peekAt(int ahead) {
        return tokens.get(Math.min(idx + ahead, tokens.size() - 1));
    }

    private Token next() {
        return tokens.get(idx++);
    }

    private Token expectOp(String op) {
        Token t = peek();
        if (!t.isOp(op)) {
            throw error("expected '" + op + "' but found " + t, t.pos());
        }
        return next();
    }

    private Token expectName() {
        Token t = peek();
        if (t.type() != Type.NAME) {
            throw error("expected a name but found " + t, t.pos());
        }
        return next();
    }

    private void expectName(String name) {
        Token t = peek();
        if (!t.isName(name)) {
            throw error("expected '" + name + "' but found " + t, t.pos());
        }
        next();
    }

    private void expectBlockEnd() {
        Token t = peek();
        if (t.type() != Type.BLOCK_END) {
            throw error("expected '%}' but found " + t, t.pos());
        }
        next();
    }

    /**
     * Parses nodes until a {@code {% name %}} tag with a name from {@code ends}; consumes the
     * {@code {%}, leaving the end tag's name as the current token. {@code openPos} < 0 means top level.
     */
    private List<TemplateNode> subparse(int openPos, String... ends) {
        List<TemplateNode> out = new ArrayList<>();
        while (true) {
            Token t = peek();
            switch (t.type()) {
                case TEXT -> {
                    next();
                    out.add(new TemplateNode.Text(t.value()));
                }
                case VAR_BEGIN -> {
                    next();
                    Expr e = parseTuple();
                    Token end = peek();
                    if (end.type() != Type.VAR_END) {
                        throw error("expected '}}' but found " + end, end.pos());
                    }
                    next();
                    out.add(new TemplateNode.Output(e, t.pos()));
                }
                case BLOCK_BEGIN -> {
                    Token name = peekAt(1);
                    if (name.type() == Type.NAME && Arrays.asList(ends).contains(name.value())) {
                        next();
                        return out;
                    }
                    next();
                    out.add(statement());
                }
                case EOF -> {
                    if (openPos >= 0) {
                        throw error("unexpected end of template: the tag opened here is never closed (expected "
                                + String.join(" or ", Arrays.stream(ends).map(e -> "{% " + e + " %}").toList()) + ")",
                                openPos);
                    }
                    return out;
                }
                default -> throw error("unexpected " + t, t.pos());
            }
        }
    }

    private TemplateNode statement() {
        tagPos = tokens.get(idx - 1).pos();
        Token t = peek();
        if (t.type() != Type.NAME) {
            throw error("expected a statement name but found " + t, t.pos());
        }
        switch (t.value()) {
            case "if":
                return parseIf();
            case "for":
                return parseFor();
            case "set":
                return parseSet();
            case "macro":
                return parseMacro();
            case "generation": {
                next();
                expectBlockEnd();
                List<TemplateNode> body = subparse(tagPos, "endgeneration");
                next();
                expectBlockEnd();
                return new TemplateNode.Block(body);
            }
            case "break":
            case "continue": {
                next();
                if (loopDepth == 0) {
                    throw error("'" + t.value() + "' outside of a for loop", t.pos());
                }
                expectBlockEnd();
                return t.value().equals("break") ? new TemplateNode.Break(t.pos()) : new TemplateNode.Continue(t.pos());
            }
            default:
                throw error("unknown or unexpected tag '" + t.value() + "'", t.pos());
        }
    }

    private TemplateNode parseIf() {
        next();
        int open = tagPos;
        List<Expr> conds = new ArrayList<>();
        List<List<TemplateNode>> bodies = new ArrayList<>();
        List<TemplateNode> elseBody = List.of();
        conds.add(parseTuple());
        expectBlockEnd();
        while (true) {
            bodies.add(subparse(open, "elif", "else", "endif"));
            Token tag = next();
            if (tag.value().equals("elif")) {
                conds.add(parseTuple());
                expectBlockEnd();
            } else if (tag.value().equals("else")) {
                expectBlockEnd();
                elseBody = subparse(open, "endif");
                next();
                expectBlockEnd();
                break;
            } else {
                expectBlockEnd();
                break;
            }
        }
        return new TemplateNode.If(conds, bodies, elseBody);
    }

    private TemplateNode parseFor() {
        int namePos = next().pos();
        int open = tagPos;
        List<String> targets = new ArrayList<>();
        boolean paren = peek().isOp("(");
        if (paren) {
            next();
        }
        targets.add(expectName().value());
        while (peek().isOp(",")) {
            next();
            if (peek().type() != Type.NAME) {
                break;
            }
            targets.add(expectName().value());
        }
        if (paren) {
            expectOp(")");
        }
        expectName("in");
        Expr iter = parseOr();
        Expr filter = null;
        if (peek().isName("if")) {
            next();
            filter = parseExpression();
        }
        if (peek().isName("recursive")) {
            throw error("recursive loops are not supported", peek().pos());
        }
        expectBlockEnd();
        loopDepth++;
        List<TemplateNode> body = subparse(open, "endfor", "else");
        loopDepth--;
        List<TemplateNode> elseBody = List.of();
        if (next().value().equals("else")) {
            expectBlockEnd();
            elseBody = subparse(open, "endfor");
            next();
        }
        expectBlockEnd();
        return new TemplateNode.For(targets, iter, filter, body, elseBody, namePos);
    }

    private TemplateNode parseSet() {
        int namePos = next().pos();
        int open = tagPos;
        Token first = expectName();
        if (peek().isOp(".")) {
            next();
            String attr = expectName().value();
            expectOp("=");
            Expr value = parseTuple();
            expectBlockEnd();
            return new TemplateNode.Set(List.of(attr), new TemplateNode.Name(first.value(), first.pos()), value, namePos);
        }
        List<String> targets = new ArrayList<>();
        targets.add(first.value());
        while (peek().isOp(",")) {
            next();
            targets.add(expectName().value());
        }
        if (peek().type() == Type.BLOCK_END && targets.size() == 1) {
            next();
            List<TemplateNode> body = subparse(open, "endset");
            next();
            expectBlockEnd();
            return new TemplateNode.SetBlock(first.value(), body);
        }
        expectOp("=");
        Expr value = parseTuple();
        expectBlockEnd();
        return new TemplateNode.Set(targets, null, value, namePos);
    }

    private TemplateNode parseMacro() {
        int namePos = next().pos();
        int open = tagPos;
        String name = expectName().value();
        List<String> params = new ArrayList<>();
        List<Expr> defaults = new ArrayList<>();
        expectOp("(");
        while (!peek().isOp(")")) {
            if (!params.isEmpty()) {
                expectOp(",");
                if (peek().isOp(")")) {
                    break;
                }
            }
            params.add(expectName().value());
            if (peek().isOp("=")) {
                next();
                defaults.add(parseExpression());
            } else {
                if (!defaults.isEmpty()) {
                    throw error("non-default macro argument follows a default argument", peek().pos());
                }
            }
        }
        expectOp(")");
        expectBlockEnd();
        int saved = loopDepth;
        loopDepth = 0;
        List<TemplateNode> body = subparse(open, "endmacro");
        loopDepth = saved;
        next();
        expectBlockEnd();
        return new TemplateNode.Macro(name, params, defaults, body, namePos);
    }

    // ---- expressions -------------------------------------------------------------------------

    /** An expression, or a bare tuple {@code a, b}. */
    private Expr parseTuple() {
        int pos = peek().pos();
        Expr e = parseExpression();
        if (!peek().isOp(",")) {
            return e;
        }
        List<Expr> items = new ArrayList<>();
        items.add(e);
        while (peek().isOp(",")) {
            next();
            Token t = peek();
            if (t.type() == Type.VAR_END || t.type() == Type.BLOCK_END) {
                break;
            }
            items.add(parseExpression());
        }
        return new TemplateNode.ListExpr(items, true, pos);
    }

    Expr parseExpression() {
        Expr e = parseOr();
        while (peek().isName("if")) {
            int pos = next().pos();
            Expr test = parseOr();
            Expr orElse = null;
            if (peek().isName("else")) {
                next();
                orElse = parseExpression();
            }
            e = new TemplateNode.CondExpr(test, e, orElse, pos);
        }
        return e;
    }

    private Expr parseOr() {
        Expr e = parseAnd();
        while (peek().isName("or")) {
            int pos = next().pos();
            e = new TemplateNode.Binary("or", e, parseAnd(), pos);
        }
        return e;
    }

    private Expr parseAnd() {
        Expr e = parseNot();
        while (peek().isName("and")) {
            int pos = next().pos();
            e = new TemplateNode.Binary("and", e, parseNot(), pos);
        }
        return e;
    }

    private Expr parseNot() {
        if (peek().isName("not")) {
            int pos = next().pos();
            return new TemplateNode.Unary("not", parseNot(), pos);
        }
        return parseCompare();
    }

    private Expr parseCompare() {
        int pos = peek().pos();
        Expr first = parseMath1();
        List<String> ops = new ArrayList<>();
        List<Expr> rest = new ArrayList<>();
        while (true) {
            Token t = peek();
            if (t.type() == Type.OP && COMPARE_OPS.contains(t.value())) {
                next();
                ops.add(t.value());
            } else if (t.isName("in")) {
                next();
                ops.add("in");
            } else if (t.isName("not") && peekAt(1).isName("in")) {
                next();
                next();
                ops.add("not in");
            } else {
                break;
            }
            rest.add(parseMath1());
        }
        return ops.isEmpty() ? first : new TemplateNode.Compare(first, ops, rest, pos);
    }

    private Expr parseMath1() {
        Expr e = parseConcat();
        while (peek().isOp("+") || peek().isOp("-")) {
            Token op = next();
            e = new TemplateNode.Binary(op.value(), e, parseConcat(), op.pos());
        }
        return e;
    }

    private Expr parseConcat() {
        Expr e = parseMath2();
        while (peek().isOp("~")) {
            Token op = next();
            e = new TemplateNode.Binary("~", e, parseMath2(), op.pos());
        }
        return e;
    }

    private Expr parseMath2() {
        Expr e = parsePow();
        while (peek().isOp("*") || peek().isOp("/") || peek().isOp("//") || peek().isOp("%")) {
            Token op = next();
            e = new TemplateNode.Binary(op.value(), e, parsePow(), op.pos());
        }
        return e;
    }

    private Expr parsePow() {
        Expr e = parseUnary(true);
        while (peek().isOp("**")) {
            Token op = next();
            e = new TemplateNode.Binary("**", e, parseUnary(true), op.pos());
        }
        return e;
    }

    private Expr parseUnary(boolean withFilter) {
        Token t = peek();
        Expr e;
        if (t.isOp("-") || t.isOp("+")) {
            next();
            e = new TemplateNode.Unary(t.value(), parseUnary(false), t.pos());
        } else {
            e = parsePrimary();
        }
        e = parsePostfix(e);
        if (withFilter) {
            e = parseFilterExpr(e);
        }
        return e;
    }

    private Expr parsePrimary() {
        Token t = next();
        switch (t.type()) {
            case NAME:
                switch (t.value()) {
                    case "true":
                    case "True":
                        return new TemplateNode.Literal(Boolean.TRUE, t.pos());
                    case "false":
                    case "False":
                        return new TemplateNode.Literal(Boolean.FALSE, t.pos());
                    case "none":
                    case "None":
                        return new TemplateNode.Literal(null, t.pos());
                    default:
                        return new TemplateNode.Name(t.value(), t.pos());
                }
            case STRING: {
                StringBuilder sb = new StringBuilder(t.value());
                while (peek().type() == Type.STRING) {
                    sb.append(next().value());
                }
                return new TemplateNode.Literal(sb.toString(), t.pos());
            }
            case INT:
                try {
                    return new TemplateNode.Literal(Long.parseLong(t.value()), t.pos());
                } catch (NumberFormatException ex) {
                    throw error("integer literal out of range: " + t.value(), t.pos());
                }
            case FLOAT:
                return new TemplateNode.Literal(Double.parseDouble(t.value()), t.pos());
            case OP:
                if (t.value().equals("(")) {
                    if (peek().isOp(")")) {
                        next();
                        return new TemplateNode.ListExpr(List.of(), true, t.pos());
                    }
                    Expr e = parseExpression();
                    if (peek().isOp(",")) {
                        List<Expr> items = new ArrayList<>();
                        items.add(e);
                        while (peek().isOp(",")) {
                            next();
                            if (peek().isOp(")")) {
                                break;
                            }
                            items.add(parseExpression());
                        }
                        e = new TemplateNode.ListExpr(items, true, t.pos());
                    }
                    expectOp(")");
                    return e;
                }
                if (t.value().equals("[")) {
                    List<Expr> items = new ArrayList<>();
                    while (!peek().isOp("]")) {
                        if (!items.isEmpty()) {
                            expectOp(",");
                            if (peek().isOp("]")) {
                                break;
                            }
                        }
                        items.add(parseExpression());
                    }
                    expectOp("]");
                    return new TemplateNode.ListExpr(items, false, t.pos());
                }
                if (t.value().equals("{")) {
                    List<Expr> keys = new ArrayList<>();
                    List<Expr> values = new ArrayList<>();
                    while (!peek().isOp("}")) {
                        if (!keys.isEmpty()) {
                            expectOp(",");
                            if (peek().isOp("}")) {
                                break;
                            }
                        }
                        keys.add(parseExpression());
                        expectOp(":");
                        values.add(parseExpression());
                    }
                    expectOp("}");
                    return new TemplateNode.DictExpr(keys, values, t.pos());
                }
                throw error("unexpected " + t, t.pos());
            default:
                throw error("unexpected " + t + ", expected an expression", t.pos());
        }
    }

    private Expr parsePostfix(Expr e) {
        while (true) {
            Token t = peek();
            if (t.isOp(".")) {
                next();
                Token name = next();
                if (name.type() == Type.NAME) {
                    e = new TemplateNode.GetAttr(e, name.value(), name.pos());
                } else if (name.type() == Type.INT) {
                    e = new TemplateNode.GetItem(e, new TemplateNode.Literal(Long.parseLong(name.value()), name.pos()), name.pos());
                } else {
                    throw error("expected an attribute name after '.' but found " + name, name.pos());
                }
            } else if (t.isOp("[")) {
                next();
                e = parseSubscript(e, t.pos());
            } else if (t.isOp("(")) {
                e = parseCall(e);
            } else {
                return e;
            }
        }
    }

    private Expr parseSubscript(Expr target, int pos) {
        Expr start = null;
        if (!peek().isOp(":")) {
            start = parseExpression();
            if (peek().isOp("]")) {
                next();
                return new TemplateNode.GetItem(target, start, pos);
            }
        }
        expectOp(":");
        Expr stop = null;
        Expr step = null;
        if (!peek().isOp("]") && !peek().isOp(":")) {
            stop = parseExpression();
        }
        if (peek().isOp(":")) {
            next();
            if (!peek().isOp("]")) {
                step = parseExpression();
            }
        }
        expectOp("]");
        return new TemplateNode.Slice(target, start, stop, step, pos);
    }

    private record Args(List<Expr> args, Map<String, Expr> kwargs) {
    }

    private Args parseArgs() {
        expectOp("(");
        List<Expr> args = new ArrayList<>();
        Map<String, Expr> kwargs = new LinkedHashMap<>();
        boolean first = true;
        while (!peek().isOp(")")) {
            if (!first) {
                expectOp(",");
                if (peek().isOp(")")) {
                    break;
                }
            }
            first = false;
            if (peek().type() == Type.NAME && peekAt(1).isOp("=")) {
                String key = next().value();
                next();
                kwargs.put(key, parseExpression());
            } else {
                if (!kwargs.isEmpty()) {
                    throw error("positional argument follows keyword argument", peek().pos());
                }
                args.add(parseExpression());
            }
        }
        expectOp(")");
        return new Args(args, kwargs);
    }

    private Expr parseCall(Expr fn) {
        int pos = peek().pos();
        Args a = parseArgs();
        return new TemplateNode.Call(fn, a.args, a.kwargs, fn instanceof TemplateNode.Name ? fn.pos() : pos);
    }

    private Expr parseFilterExpr(Expr e) {
        while (true) {
            Token t = peek();
            if (t.isOp("|")) {
                next();
                Token name = expectName();
                String filterName = name.value();
                while (peek().isOp(".")) {
                    next();
                    filterName += "." + expectName().value();
                }
                if (!Builtins.hasFilter(filterName)) {
                    throw error("unknown filter '" + filterName + "'", name.pos());
                }
                Args a = peek().isOp("(") ? parseArgs() : new Args(List.of(), Map.of());
                e = new TemplateNode.Filter(e, filterName, a.args, a.kwargs, name.pos());
            } else if (t.isName("is")) {
                next();
                boolean negated = false;
                if (peek().isName("not")) {
                    next();
                    negated = true;
                }
                Token name = expectName();
                String testName = name.value();
                if (!Builtins.hasTest(testName)) {
                    throw error("unknown test '" + testName + "'", name.pos());
                }
                List<Expr> args = List.of();
                Token n = peek();
                if (n.isOp("(")) {
                    args = parseArgs().args;
                } else if (n.type() == Type.STRING || n.type() == Type.INT || n.type() == Type.FLOAT
                        || n.isOp("[") || n.isOp("{")
                        || (n.type() == Type.NAME && !Set.of("else", "or", "and", "if", "in", "is", "not").contains(n.value()))) {
                    args = List.of(parsePostfix(parsePrimary()));
                }
                e = new TemplateNode.Test(e, testName, args, negated, name.pos());
            } else if (t.isOp("(")) {
                e = parseCall(e);
            } else {
                return e;
            }
        }
    }
}
