package dev.genloom.plugins.gpt.chat;

import dev.genloom.plugins.gpt.chat.TemplateNode.Expr;
import dev.genloom.plugins.gpt.chat.TemplateValues.Callable;
import dev.genloom.plugins.gpt.chat.TemplateValues.Namespace;
import dev.genloom.plugins.gpt.chat.TemplateValues.OpException;
import dev.genloom.plugins.gpt.chat.TemplateValues.Undefined;
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

    String render(List<TemplateNode> body, Map<String, Object> context) {
        Scope root = new Scope(null);
        context.forEach((k, v) -> root.vars.put(k, TemplateValues.fromJava(v)));
        StringBuilder out = new StringBuilder();
        exec(body, root, out);
        return out.toString();
    }

    private void exec(List<TemplateNode> nodes, Scope scope, StringBuilder out) {
        for (TemplateNode node : nodes) {
            exec(node, scope, out);
        }
    }

    private void exec(TemplateNode node, Scope scope, StringBuilder out) {
        if (node instanceof TemplateNode.Text t) {
            out.append(t.text());
        } else if (node instanceof TemplateNode.Output o) {
            out.append(TemplateValues.str(eval(o.expr(), scope)));
        } else if (node instanceof TemplateNode.If n) {
            for (int i = 0; i < n.conditions().size(); i++) {
                if (TemplateValues.truthy(eval(n.conditions().get(i), scope))) {
                    exec(n.bodies().get(i), scope, out);
                    return;
                }
            }
            exec(n.elseBody(), scope, out);
        } else if (node instanceof TemplateNode.For n) {
            execFor(n, scope, out);
        } else if (node instanceof TemplateNode.Set n) {
            Object value = eval(n.value(), scope);
            if (n.attrOf() != null) {
                Object target = eval(n.attrOf(), scope);
                if (!(target instanceof Namespace ns)) {
                    throw error("cannot assign attribute '" + n.targets().get(0) + "' on " + TemplateValues.typeName(target)
                            + " (only namespace() objects support 'set ns.attr = ...')", n.pos());
                }
                ns.attrs.put(n.targets().get(0), value);
            } else {
                assign(n.targets(), value, scope, n.pos());
            }
        } else if (node instanceof TemplateNode.SetBlock n) {
            StringBuilder sb = new StringBuilder();
            exec(n.body(), scope, sb);
            scope.vars.put(n.target(), sb.toString());
        } else if (node instanceof TemplateNode.Macro n) {
            scope.vars.put(n.name(), macro(n, scope));
        } else if (node instanceof TemplateNode.Block n) {
            exec(n.body(), scope, out);
        } else if (node instanceof TemplateNode.Break) {
            throw BREAK;
        } else if (node instanceof TemplateNode.Continue) {
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
            parts = TemplateValues.iterate(value);
        } catch (OpException e) {
            throw error("cannot unpack " + TemplateValues.typeName(value) + " into " + targets.size() + " names", pos);
        }
        if (parts.size() != targets.size()) {
            throw error("cannot unpack " + parts.size() + " values into " + targets.size() + " names", pos);
        }
        for (int i = 0; i < targets.size(); i++) {
            scope.vars.put(targets.get(i), parts.get(i));
        }
    }

    private void execFor(TemplateNode.For n, Scope scope, StringBuilder out) {
        Object iterable = eval(n.iter(), scope);
        List<Object> items;
        try {
            items = TemplateValues.iterate(iterable);
        } catch (OpException e) {
            throw error(e.getMessage(), n.iter().pos());
        }
        if (n.filter() != null) {
            List<Object> kept = new ArrayList<>();
            for (Object item : items) {
                Scope s = new Scope(scope);
                assign(n.targets(), item, s, n.pos());
                if (TemplateValues.truthy(eval(n.filter(), s))) {
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

    private Callable macro(TemplateNode.Macro m, Scope defining) {
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
        if (e instanceof TemplateNode.Name n) {
            return n.name();
        }
        if (e instanceof TemplateNode.GetAttr g) {
            return g.name();
        }
        return "value";
    }

    private Object evalInner(Expr e, Scope scope) {
        if (e instanceof TemplateNode.Literal l) {
            return l.value();
        }
        if (e instanceof TemplateNode.Name n) {
            if (scope.has(n.name())) {
                return scope.get(n.name());
            }
            if (globals.containsKey(n.name())) {
                return globals.get(n.name());
            }
            return new Undefined(n.name());
        }
        if (e instanceof TemplateNode.GetAttr g) {
            return Builtins.getAttr(eval(g.target(), scope), g.name());
        }
        if (e instanceof TemplateNode.GetItem g) {
            Object target = eval(g.target(), scope);
            Object key = eval(g.index(), scope);
            if (target instanceof Undefined) {
                return target;
            }
            if (target instanceof Map<?, ?> m && !m.containsKey(key) && key instanceof String s) {
                return Builtins.getAttr(target, s);
            }
            return TemplateValues.item(target, key);
        }
        if (e instanceof TemplateNode.Slice sl) {
            Object target = eval(sl.target(), scope);
            return TemplateValues.slice(target, optional(sl.start(), scope), optional(sl.stop(), scope), optional(sl.step(), scope));
        }
        if (e instanceof TemplateNode.ListExpr l) {
            List<Object> out = new ArrayList<>(l.items().size());
            for (Expr item : l.items()) {
                out.add(eval(item, scope));
            }
            return out;
        }
        if (e instanceof TemplateNode.DictExpr d) {
            Map<Object, Object> out = new LinkedHashMap<>();
            for (int i = 0; i < d.keys().size(); i++) {
                out.put(eval(d.keys().get(i), scope), eval(d.values().get(i), scope));
            }
            return out;
        }
        if (e instanceof TemplateNode.Call c) {
            Object fn = eval(c.fn(), scope);
            if (fn instanceof Undefined) {
                String name = undefinedName(fn, c.fn());
                throw new OpException(c.fn() instanceof TemplateNode.Name ? "unknown function '" + name + "'"
                        : "'" + name + "' is undefined and cannot be called");
            }
            if (!(fn instanceof Callable callable)) {
                throw new OpException("'" + TemplateValues.typeName(fn) + "' object is not callable");
            }
            List<Object> args = new ArrayList<>();
            for (Expr a : c.args()) {
                args.add(eval(a, scope));
            }
            Map<String, Object> kwargs = new LinkedHashMap<>();
            c.kwargs().forEach((k, v) -> kwargs.put(k, eval(v, scope)));
            return callable.call(args, kwargs);
        }
        if (e instanceof TemplateNode.Filter f) {
            Object value = eval(f.value(), scope);
            List<Object> args = new ArrayList<>();
            for (Expr a : f.args()) {
                args.add(eval(a, scope));
            }
            Map<String, Object> kwargs = new LinkedHashMap<>();
            f.kwargs().forEach((k, v) -> kwargs.put(k, eval(v, scope)));
            return Builtins.filter(f.name(), value, args, kwargs);
        }
        if (e instanceof TemplateNode.Test t) {
            Object value = eval(t.value(), scope);
            List<Object> args = new ArrayList<>();
            for (Expr a : t.args()) {
                args.add(eval(a, scope));
            }
            return Builtins.test(t.name(), value, args) != t.negated();
        }
        if (e instanceof TemplateNode.Unary u) {
            Object v = eval(u.operand(), scope);
            switch (u.op()) {
                case "not":
                    return !TemplateValues.truthy(v);
                case "-":
                    if (v instanceof Long l) {
                        return -l;
                    }
                    if (TemplateValues.isNumber(v)) {
                        return -TemplateValues.toDouble(v);
                    }
                    throw new OpException("bad operand type for unary -: '" + TemplateValues.typeName(v) + "'");
                default:
                    if (TemplateValues.isNumber(v)) {
                        return v instanceof Boolean ? (Object) TemplateValues.toLong(v) : v;
                    }
                    throw new OpException("bad operand type for unary +: '" + TemplateValues.typeName(v) + "'");
            }
        }
        if (e instanceof TemplateNode.Binary b) {
            return binary(b, scope);
        }
        if (e instanceof TemplateNode.Compare c) {
            Object left = eval(c.first(), scope);
            for (int i = 0; i < c.ops().size(); i++) {
                Object right = eval(c.rest().get(i), scope);
                boolean ok = switch (c.ops().get(i)) {
                    case "==" -> TemplateValues.eq(left, right);
                    case "!=" -> !TemplateValues.eq(left, right);
                    case "<" -> TemplateValues.compare(left, right, "<") < 0;
                    case "<=" -> TemplateValues.compare(left, right, "<=") <= 0;
                    case ">" -> TemplateValues.compare(left, right, ">") > 0;
                    case ">=" -> TemplateValues.compare(left, right, ">=") >= 0;
                    case "in" -> TemplateValues.contains(right, left);
                    default -> !TemplateValues.contains(right, left);
                };
                if (!ok) {
                    return false;
                }
                left = right;
            }
            return true;
        }
        if (e instanceof TemplateNode.CondExpr c) {
            if (TemplateValues.truthy(eval(c.test(), scope))) {
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

    private Object binary(TemplateNode.Binary b, Scope scope) {
        String op = b.op();
        Object l = eval(b.left(), scope);
        if (op.equals("and")) {
            return TemplateValues.truthy(l) ? eval(b.right(), scope) : l;
        }
        if (op.equals("or")) {
            return TemplateValues.truthy(l) ? l : eval(b.right(), scope);
        }
        Object r = eval(b.right(), scope);
        if (op.equals("~")) {
            return TemplateValues.str(l) + TemplateValues.str(r);
        }
        if (l instanceof Undefined) {
            throw new OpException("'" + undefinedName(l, b.left()) + "' is undefined");
        }
        if (r instanceof Undefined) {
            throw new OpException("'" + undefinedName(r, b.right()) + "' is undefined");
        }
        boolean nums = TemplateValues.isNumber(l) && TemplateValues.isNumber(r);
        boolean ints = nums && TemplateValues.isIntegral(l) && TemplateValues.isIntegral(r);
        switch (op) {
            case "+":
                if (ints) {
                    return TemplateValues.toLong(l) + TemplateValues.toLong(r);
                }
                if (nums) {
                    return TemplateValues.toDouble(l) + TemplateValues.toDouble(r);
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
                    return TemplateValues.toLong(l) - TemplateValues.toLong(r);
                }
                if (nums) {
                    return TemplateValues.toDouble(l) - TemplateValues.toDouble(r);
                }
                break;
            case "*":
                if (ints) {
                    return TemplateValues.toLong(l) * TemplateValues.toLong(r);
                }
                if (nums) {
                    return TemplateValues.toDouble(l) * TemplateValues.toDouble(r);
                }
                if (l instanceof String s && TemplateValues.isIntegral(r)) {
                    return s.repeat((int) Math.max(0, TemplateValues.toLong(r)));
                }
                if (l instanceof List<?> list && TemplateValues.isIntegral(r)) {
                    List<Object> out = new ArrayList<>();
                    for (long i = 0; i < TemplateValues.toLong(r); i++) {
                        out.addAll(list);
                    }
                    return out;
                }
                break;
            case "/":
                if (nums) {
                    if (TemplateValues.toDouble(r) == 0) {
                        throw new OpException("division by zero");
                    }
                    return TemplateValues.toDouble(l) / TemplateValues.toDouble(r);
                }
                break;
            case "//":
                if (nums) {
                    if (TemplateValues.toDouble(r) == 0) {
                        throw new OpException("integer division or modulo by zero");
                    }
                    return ints ? (Object) Math.floorDiv(TemplateValues.toLong(l), TemplateValues.toLong(r))
                            : (Object) Math.floor(TemplateValues.toDouble(l) / TemplateValues.toDouble(r));
                }
                break;
            case "%":
                if (nums) {
                    if (TemplateValues.toDouble(r) == 0) {
                        throw new OpException("integer division or modulo by zero");
                    }
                    if (ints) {
                        return Math.floorMod(TemplateValues.toLong(l), TemplateValues.toLong(r));
                    }
                    double a = TemplateValues.toDouble(l);
                    double m = TemplateValues.toDouble(r);
                    return a - m * Math.floor(a / m);
                }
                if (l instanceof String) {
                    throw new OpException("printf-style string formatting with '%' is not supported");
                }
                break;
            case "**":
                if (ints && TemplateValues.toLong(r) >= 0) {
                    return (long) Math.pow(TemplateValues.toLong(l), TemplateValues.toLong(r));
                }
                if (nums) {
                    return Math.pow(TemplateValues.toDouble(l), TemplateValues.toDouble(r));
                }
                break;
            default:
                break;
        }
        throw new OpException("unsupported operand type(s) for " + op + ": '" + TemplateValues.typeName(l) + "' and '"
                + TemplateValues.typeName(r) + "'");
    }
}
