package dev.genloom.plugins.gpt.chat;

import dev.genloom.plugins.gpt.chat.Node.Expr;
import dev.genloom.plugins.gpt.chat.Values.Callable;
import dev.genloom.plugins.gpt.chat.Values.Namespace;
import dev.genloom.plugins.gpt.chat.Values.OpException;
import dev.genloom.plugins.gpt.chat.Values.Undefined;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Walks the syntax tree and renders it. One instance per render call. */
final class Interpreter {

    private static final int MAX_DEPTH = 200;

    private final String src;
    private final Map<String, Object> globals;
    private int depth;

    Interpreter(String src, Map<String, Object> globals) {
        this.src = src;
        this.globals = globals;
    }

    private static final class Scope {
        final Map<String, Object> vars = new HashMap<>();
        final Scope parent;

        Scope(Scope parent) {
            this.parent = parent;
        }

        boolean has(String name) {
            for (Scope s = this; s != null; s = s.parent) {
                if (s.vars.containsKey(name)) {
                    return true;
                }
            }
            return false;
        }

        Object get(String name) {
            for (Scope s = this; s != null; s = s.parent) {
                if (s.vars.containsKey(name)) {
                    return s.vars.get(name);
                }
            }
            return null;
        }
    }

    private static final class BreakSignal extends RuntimeException {
        BreakSignal() {
            super(null, null, false, false);
        }
    }

    private static final class ContinueSignal extends RuntimeException {
        ContinueSignal() {
            super(null, null, false, false);
        }
    }

    /** Thrown by {@code raise_exception}; turned into a positioned {@link ChatTemplateException}. */
    static final class RaiseSignal extends RuntimeException {
        RaiseSignal(String msg) {
            super(msg, null, false, false);
        }
    }

    private static final BreakSignal BREAK = new BreakSignal();
    private static final ContinueSignal CONTINUE = new ContinueSignal();

    private ChatTemplateException error(String msg, int pos) {
        int[] lc = Lexer.lineColumn(src, pos);
        return new ChatTemplateException(ChatTemplateException.Kind.RENDER, msg, lc[0], lc[1]);
    }

    String render(List<Node> body, Map<String, Object> context) {
        Scope root = new Scope(null);
        context.forEach((k, v) -> root.vars.put(k, Values.fromJava(v)));
        StringBuilder out = new StringBuilder();
        exec(body, root, out);
        return out.toString();
    }

    private void exec(List<Node> nodes, Scope scope, StringBuilder out) {
        for (Node node : nodes) {
            exec(node, scope, out);
        }
    }

    private void exec(Node node, Scope scope, StringBuilder out) {
        if (node instanceof Node.Text t) {
            out.append(t.text());
        } else if (node instanceof Node.Output o) {
            out.append(Values.str(eval(o.expr(), scope)));
        } else if (node instanceof Node.If n) {
            for (int i = 0; i < n.conditions().size(); i++) {
                if (Values.truthy(eval(n.conditions().get(i), scope))) {
                    exec(n.bodies().get(i), scope, out);
                    return;
                }
            }
            exec(n.elseBody(), scope, out);
        } else if (node instanceof Node.For n) {
            execFor(n, scope, out);
        } else if (node instanceof Node.Set n) {
            Object value = eval(n.value(), scope);
            if (n.attrOf() != null) {
                Object target = eval(n.attrOf(), scope);
                if (!(target instanceof Namespace ns)) {
                    throw error("cannot assign attribute '" + n.targets().get(0) + "' on " + Values.typeName(target)
                            + " (only namespace() objects support 'set ns.attr = ...')", n.pos());
                }
                ns.attrs.put(n.targets().get(0), value);
            } else {
                assign(n.targets(), value, scope, n.pos());
            }
        } else if (node instanceof Node.SetBlock n) {
            StringBuilder sb = new StringBuilder();
            exec(n.body(), scope, sb);
            scope.vars.put(n.target(), sb.toString());
        } else if (node instanceof Node.Macro n) {
            scope.vars.put(n.name(), macro(n, scope));
        } else if (node instanceof Node.Block n) {
            exec(n.body(), scope, out);
        } else if (node instanceof Node.Break) {
            throw BREAK;
        } else if (node instanceof Node.Continue) {
            throw CONTINUE;
        }
    }

    private void assign(List<String> targets, Object value, Scope scope, int pos) {
        if (targets.size() == 1) {
            scope.vars.put(targets.get(0), value);
            return;
        }
        List<Object> parts;
        try {
            parts = Values.iterate(value);
        } catch (OpException e) {
            throw error("cannot unpack " + Values.typeName(value) + " into " + targets.size() + " names", pos);
        }
        if (parts.size() != targets.size()) {
            throw error("cannot unpack " + parts.size() + " values into " + targets.size() + " names", pos);
        }
        for (int i = 0; i < targets.size(); i++) {
            scope.vars.put(targets.get(i), parts.get(i));
        }
    }

    private void execFor(Node.For n, Scope scope, StringBuilder out) {
        Object iterable = eval(n.iter(), scope);
        List<Object> items;
        try {
            items = Values.iterate(iterable);
        } catch (OpException e) {
            throw error(e.getMessage(), n.iter().pos());
        }
        if (n.filter() != null) {
            List<Object> kept = new ArrayList<>();
            for (Object item : items) {
                Scope s = new Scope(scope);
                assign(n.targets(), item, s, n.pos());
                if (Values.truthy(eval(n.filter(), s))) {
                    kept.add(item);
                }
            }
            items = kept;
        }
        if (items.isEmpty()) {
            exec(n.elseBody(), scope, out);
            return;
        }
        int len = items.size();
        for (int i = 0; i < len; i++) {
            Scope s = new Scope(scope);
            Map<Object, Object> loop = new LinkedHashMap<>();
            loop.put("index", (long) i + 1);
            loop.put("index0", (long) i);
            loop.put("revindex", (long) (len - i));
            loop.put("revindex0", (long) (len - i - 1));
            loop.put("first", i == 0);
            loop.put("last", i == len - 1);
            loop.put("length", (long) len);
            loop.put("depth", 1L);
            loop.put("depth0", 0L);
            loop.put("previtem", i > 0 ? items.get(i - 1) : new Undefined("previtem"));
            loop.put("nextitem", i < len - 1 ? items.get(i + 1) : new Undefined("nextitem"));
            final int index = i;
            loop.put("cycle", (Callable) (a, k) -> {
                if (a.isEmpty()) {
                    throw new OpException("no items for cycling given");
                }
                return a.get(index % a.size());
            });
            s.vars.put("loop", loop);
            assign(n.targets(), items.get(i), s, n.pos());
            try {
                exec(n.body(), s, out);
            } catch (ContinueSignal c) {
                // next iteration
            } catch (BreakSignal b) {
                break;
            }
        }
    }

    private Callable macro(Node.Macro m, Scope defining) {
        return (args, kwargs) -> {
            if (args.size() > m.params().size()) {
                throw new OpException("macro '" + m.name() + "' takes " + m.params().size() + " arguments, got " + args.size());
            }
            Scope s = new Scope(defining);
            int firstDefault = m.params().size() - m.defaults().size();
            for (int i = 0; i < m.params().size(); i++) {
                String p = m.params().get(i);
                Object v;
                if (i < args.size()) {
                    v = args.get(i);
                } else if (kwargs.containsKey(p)) {
                    v = kwargs.get(p);
                } else if (i >= firstDefault) {
                    v = eval(m.defaults().get(i - firstDefault), s);
                } else {
                    v = new Undefined(p);
                }
                s.vars.put(p, v);
            }
            for (String k : kwargs.keySet()) {
                if (!m.params().contains(k)) {
                    throw new OpException("macro '" + m.name() + "' takes no keyword argument '" + k + "'");
                }
            }
            if (++depth > MAX_DEPTH) {
                depth = 0;
                throw new OpException("macro recursion too deep");
            }
            try {
                StringBuilder sb = new StringBuilder();
                exec(m.body(), s, sb);
                return sb.toString();
            } finally {
                depth--;
            }
        };
    }

    // ---- expressions -----------------------------------------------------------------------------

    private Object eval(Expr e, Scope scope) {
        try {
            return evalInner(e, scope);
        } catch (OpException ex) {
            throw error(ex.getMessage(), e.pos());
        } catch (RaiseSignal r) {
            int[] lc = Lexer.lineColumn(src, e.pos());
            throw new ChatTemplateException(ChatTemplateException.Kind.RAISED, r.getMessage(), lc[0], lc[1]);
        } catch (StackOverflowError so) {
            throw error("template too deeply nested", e.pos());
        }
    }

    private static String undefinedName(Object v, Expr e) {
        if (v instanceof Undefined u && u.hint != null) {
            return u.hint;
        }
        if (e instanceof Node.Name n) {
            return n.name();
        }
        if (e instanceof Node.GetAttr g) {
            return g.name();
        }
        return "value";
    }

    private Object evalInner(Expr e, Scope scope) {
        if (e instanceof Node.Literal l) {
            return l.value();
        }
        if (e instanceof Node.Name n) {
            if (scope.has(n.name())) {
                return scope.get(n.name());
            }
            if (globals.containsKey(n.name())) {
                return globals.get(n.name());
            }
            return new Undefined(n.name());
        }
        if (e instanceof Node.GetAttr g) {
            return Builtins.getAttr(eval(g.target(), scope), g.name());
        }
        if (e instanceof Node.GetItem g) {
            Object target = eval(g.target(), scope);
            Object key = eval(g.index(), scope);
            if (target instanceof Undefined) {
                return target;
            }
            if (target instanceof Map<?, ?> m && !m.containsKey(key) && key instanceof String s) {
                return Builtins.getAttr(target, s);
            }
            return Values.item(target, key);
        }
        if (e instanceof Node.Slice sl) {
            Object target = eval(sl.target(), scope);
            return Values.slice(target, optional(sl.start(), scope), optional(sl.stop(), scope), optional(sl.step(), scope));
        }
        if (e instanceof Node.ListExpr l) {
            List<Object> out = new ArrayList<>(l.items().size());
            for (Expr item : l.items()) {
                out.add(eval(item, scope));
            }
            return out;
        }
        if (e instanceof Node.DictExpr d) {
            Map<Object, Object> out = new LinkedHashMap<>();
            for (int i = 0; i < d.keys().size(); i++) {
                out.put(eval(d.keys().get(i), scope), eval(d.values().get(i), scope));
            }
            return out;
        }
        if (e instanceof Node.Call c) {
            Object fn = eval(c.fn(), scope);
            if (fn instanceof Undefined) {
                String name = undefinedName(fn, c.fn());
                throw new OpException(c.fn() instanceof Node.Name ? "unknown function '" + name + "'"
                        : "'" + name + "' is undefined and cannot be called");
            }
            if (!(fn instanceof Callable callable)) {
                throw new OpException("'" + Values.typeName(fn) + "' object is not callable");
            }
            List<Object> args = new ArrayList<>();
            for (Expr a : c.args()) {
                args.add(eval(a, scope));
            }
            Map<String, Object> kwargs = new LinkedHashMap<>();
            c.kwargs().forEach((k, v) -> kwargs.put(k, eval(v, scope)));
            return callable.call(args, kwargs);
        }
        if (e instanceof Node.Filter f) {
            Object value = eval(f.value(), scope);
            List<Object> args = new ArrayList<>();
            for (Expr a : f.args()) {
                args.add(eval(a, scope));
            }
            Map<String, Object> kwargs = new LinkedHashMap<>();
            f.kwargs().forEach((k, v) -> kwargs.put(k, eval(v, scope)));
            return Builtins.filter(f.name(), value, args, kwargs);
        }
        if (e instanceof Node.Test t) {
            Object value = eval(t.value(), scope);
            List<Object> args = new ArrayList<>();
            for (Expr a : t.args()) {
                args.add(eval(a, scope));
            }
            return Builtins.test(t.name(), value, args) != t.negated();
        }
        if (e instanceof Node.Unary u) {
            Object v = eval(u.operand(), scope);
            switch (u.op()) {
                case "not":
                    return !Values.truthy(v);
                case "-":
                    if (v instanceof Long l) {
                        return -l;
                    }
                    if (Values.isNumber(v)) {
                        return -Values.toDouble(v);
                    }
                    throw new OpException("bad operand type for unary -: '" + Values.typeName(v) + "'");
                default:
                    if (Values.isNumber(v)) {
                        return v instanceof Boolean ? (Object) Values.toLong(v) : v;
                    }
                    throw new OpException("bad operand type for unary +: '" + Values.typeName(v) + "'");
            }
        }
        if (e instanceof Node.Binary b) {
            return binary(b, scope);
        }
        if (e instanceof Node.Compare c) {
            Object left = eval(c.first(), scope);
            for (int i = 0; i < c.ops().size(); i++) {
                Object right = eval(c.rest().get(i), scope);
                boolean ok = switch (c.ops().get(i)) {
                    case "==" -> Values.eq(left, right);
                    case "!=" -> !Values.eq(left, right);
                    case "<" -> Values.compare(left, right, "<") < 0;
                    case "<=" -> Values.compare(left, right, "<=") <= 0;
                    case ">" -> Values.compare(left, right, ">") > 0;
                    case ">=" -> Values.compare(left, right, ">=") >= 0;
                    case "in" -> Values.contains(right, left);
                    default -> !Values.contains(right, left);
                };
                if (!ok) {
                    return false;
                }
                left = right;
            }
            return true;
        }
        if (e instanceof Node.CondExpr c) {
            if (Values.truthy(eval(c.test(), scope))) {
                return eval(c.then(), scope);
            }
            return c.orElse() == null ? new Undefined(null) : eval(c.orElse(), scope);
        }
        throw new IllegalStateException("unknown expression " + e);
    }

    private Object optional(Expr e, Scope scope) {
        if (e == null) {
            return null;
        }
        Object v = eval(e, scope);
        return v instanceof Undefined ? null : v;
    }

    private Object binary(Node.Binary b, Scope scope) {
        String op = b.op();
        Object l = eval(b.left(), scope);
        if (op.equals("and")) {
            return Values.truthy(l) ? eval(b.right(), scope) : l;
        }
        if (op.equals("or")) {
            return Values.truthy(l) ? l : eval(b.right(), scope);
        }
        Object r = eval(b.right(), scope);
        if (op.equals("~")) {
            return Values.str(l) + Values.str(r);
        }
        if (l instanceof Undefined) {
            throw new OpException("'" + undefinedName(l, b.left()) + "' is undefined");
        }
        if (r instanceof Undefined) {
            throw new OpException("'" + undefinedName(r, b.right()) + "' is undefined");
        }
        boolean nums = Values.isNumber(l) && Values.isNumber(r);
        boolean ints = nums && Values.isIntegral(l) && Values.isIntegral(r);
        switch (op) {
            case "+":
                if (ints) {
                    return Values.toLong(l) + Values.toLong(r);
                }
                if (nums) {
                    return Values.toDouble(l) + Values.toDouble(r);
                }
                if (l instanceof String sl && r instanceof String sr) {
                    return sl + sr;
                }
                if (l instanceof List<?> ll && r instanceof List<?> lr) {
                    List<Object> out = new ArrayList<>(ll);
                    out.addAll(lr);
                    return out;
                }
                break;
            case "-":
                if (ints) {
                    return Values.toLong(l) - Values.toLong(r);
                }
                if (nums) {
                    return Values.toDouble(l) - Values.toDouble(r);
                }
                break;
            case "*":
                if (ints) {
                    return Values.toLong(l) * Values.toLong(r);
                }
                if (nums) {
                    return Values.toDouble(l) * Values.toDouble(r);
                }
                if (l instanceof String s && Values.isIntegral(r)) {
                    return s.repeat((int) Math.max(0, Values.toLong(r)));
                }
                if (l instanceof List<?> list && Values.isIntegral(r)) {
                    List<Object> out = new ArrayList<>();
                    for (long i = 0; i < Values.toLong(r); i++) {
                        out.addAll(list);
                    }
                    return out;
                }
                break;
            case "/":
                if (nums) {
                    if (Values.toDouble(r) == 0) {
                        throw new OpException("division by zero");
                    }
                    return Values.toDouble(l) / Values.toDouble(r);
                }
                break;
            case "//":
                if (nums) {
                    if (Values.toDouble(r) == 0) {
                        throw new OpException("integer division or modulo by zero");
                    }
                    return ints ? (Object) Math.floorDiv(Values.toLong(l), Values.toLong(r))
                            : (Object) Math.floor(Values.toDouble(l) / Values.toDouble(r));
                }
                break;
            case "%":
                if (nums) {
                    if (Values.toDouble(r) == 0) {
                        throw new OpException("integer division or modulo by zero");
                    }
                    if (ints) {
                        return Math.floorMod(Values.toLong(l), Values.toLong(r));
                    }
                    double a = Values.toDouble(l);
                    double m = Values.toDouble(r);
                    return a - m * Math.floor(a / m);
                }
                if (l instanceof String) {
                    throw new OpException("printf-style string formatting with '%' is not supported");
                }
                break;
            case "**":
                if (ints && Values.toLong(r) >= 0) {
                    return (long) Math.pow(Values.toLong(l), Values.toLong(r));
                }
                if (nums) {
                    return Math.pow(Values.toDouble(l), Values.toDouble(r));
                }
                break;
            default:
                break;
        }
        throw new OpException("unsupported operand type(s) for " + op + ": '" + Values.typeName(l) + "' and '"
                + Values.typeName(r) + "'");
    }
}
